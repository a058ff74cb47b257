using System.Globalization;
using System.Text;

namespace DiffusionDsl.Language.Emitting;

/// <summary>
/// Text from an .msd file (names, file names) made safe for generated source: a double-quoted string literal with
/// everything outside printable ASCII escaped as \uXXXX, which C# and Python read alike, and comment text.
/// </summary>
public static class AsciiLiterals
{
    public static string Quote(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (char c in value)
        {
            if (c == '"' || c == '\\') builder.Append('\\').Append(c);
            else if (c < 32 || c > 126) builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else builder.Append(c);
        }
        return builder.Append('"').ToString();
    }

    /// <summary>One line of printable ASCII, which cannot end a comment of either language early.</summary>
    public static string Comment(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text) builder.Append(c < 32 || c > 126 ? '_' : c);
        return builder.ToString();
    }
}
