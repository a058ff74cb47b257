namespace DiffusionDsl.Language.Syntax;

/// <summary>The one comment rule of .msd: `#` or `//` to the end of the line. The grammar and the nesting scanner both skip them by it.</summary>
internal static class Comments
{
    public static bool StartsAt(string text, int i) => text[i] == '#' || (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '/');

    /// <summary>The index just past the comment that starts at <paramref name="i"/>: its line break, or the end of the text.</summary>
    public static int End(string text, int i)
    {
        while (i < text.Length && !LineBreaks.IsLineBreak(text[i])) i++;
        return i;
    }
}
