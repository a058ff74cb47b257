using System.Globalization;
using System.Text;

namespace DiffusionDsl.Language.Diagnostics;

/// <summary>
/// How messages show text from the .msd file: a short excerpt (at most <see cref="MaxExcerpt"/> characters, then
/// "..."), with every character that would not show, or would reorder the message (controls, format characters such
/// as BOM, zero-width space and right-to-left override, unusual spaces, lone surrogates), written as U+XXXX.
/// </summary>
public static class Display
{
    public const int MaxExcerpt = 40;

    /// <summary>A number in a message or hover: six significant digits, which the stage checks accept back for an edge of the range.</summary>
    public static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>A number as written, to the last digit: for a value a message asks to be typed exactly.</summary>
    public static string ExactNumber(double value) => Emitting.RoundTripNumber.Format(value);

    /// <summary>'text' as an excerpt, for names and values inside a message.</summary>
    public static string Quote(object? value) => "'" + Excerpt(value?.ToString() ?? "") + "'";

    /// <summary>At most <see cref="MaxExcerpt"/> characters of <paramref name="text"/>, invisible ones as &lt;U+XXXX&gt;.</summary>
    public static string Excerpt(string text)
    {
        var builder = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (shown == MaxExcerpt) return builder.Append("...").ToString();
            if (IsVisible(text, i, out int length)) builder.Append(text, i, length);
            else builder.Append('<').Append(CodePoint(text, i, out length)).Append('>');
            i += length - 1;
            shown++;
        }
        return builder.ToString();
    }

    /// <summary>The character at <paramref name="index"/>, for "unexpected ...": 'x', U+200F (right-to-left mark), end of line.</summary>
    public static string Character(string text, int index)
    {
        if (index >= text.Length) return "end of file";
        char c = text[index];
        if (c == '\t') return "tab";
        if (LineBreakName(c) is { } lineBreak) return lineBreak;
        if (IsVisible(text, index, out int length)) return "'" + text.Substring(index, length) + "'";
        var code = CodePoint(text, index, out _);
        return KnownName(c) is { } name ? $"{code} ({name})" : code;
    }

    private static string? LineBreakName(char c) => c switch
    {
        '\n' or '\r' => "end of line",
        '\u0085' => "end of line (U+0085)",
        '\u2028' => "end of line (U+2028)",
        '\u2029' => "end of line (U+2029)",
        _ => null,
    };

    private static string? KnownName(char c) => c switch
    {
        '\u0000' => "null character",
        '\u00A0' => "no-break space",
        '\u00AD' => "soft hyphen",
        '\u200B' => "zero-width space",
        '\u200C' => "zero-width non-joiner",
        '\u200D' => "zero-width joiner",
        '\u200E' => "left-to-right mark",
        '\u200F' => "right-to-left mark",
        '\u202A' or '\u202B' or '\u202C' or '\u202D' or '\u202E' => "bidirectional formatting",
        '\u2066' or '\u2067' or '\u2068' or '\u2069' => "bidirectional isolate",
        '\u2060' => "word joiner",
        '\uFEFF' => "byte order mark",
        _ when char.IsHighSurrogate(c) || char.IsLowSurrogate(c) => "unpaired surrogate",
        _ => null,
    };

    /// <summary>Letters, digits, punctuation, symbols and the plain space show as themselves; a valid surrogate pair counts as one.</summary>
    private static bool IsVisible(string text, int index, out int length)
    {
        length = 1;
        char c = text[index];
        if (c == ' ') return true;
        if (c < 128) return c > ' ' && c < 127;
        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            length = 2;
            return IsVisibleCategory(CharUnicodeInfo.GetUnicodeCategory(text, index));
        }
        return IsVisibleCategory(CharUnicodeInfo.GetUnicodeCategory(c));
    }

    private static bool IsVisibleCategory(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
            or UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
            or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
            or UnicodeCategory.OtherPunctuation
            or UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol or UnicodeCategory.OtherSymbol => true,
        _ => false,
    };

    private static string CodePoint(string text, int index, out int length)
    {
        char c = text[index];
        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            length = 2;
            return "U+" + char.ConvertToUtf32(c, text[index + 1]).ToString("X4", CultureInfo.InvariantCulture);
        }
        length = 1;
        return "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);
    }
}
