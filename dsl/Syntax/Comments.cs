namespace DiffusionDsl.Language.Syntax;

/// <summary>
/// The one comment rule of .msd: `#` or `//` to the end of the line. The grammar, the nesting scanner and the language
/// server skip comments by it. <c>end</c> limits the text looked at (an editor looks only up to its cursor).
/// </summary>
public static class Comments
{
    public static bool StartsAt(string text, int i, int? end = null) =>
        text[i] == '#' || (text[i] == '/' && i + 1 < (end ?? text.Length) && text[i + 1] == '/');

    /// <summary>The index just past the comment that starts at <paramref name="i"/>: its line break, or the end.</summary>
    public static int End(string text, int i, int? end = null)
    {
        int limit = end ?? text.Length;
        while (i < limit && !LineBreaks.IsLineBreak(text[i])) i++;
        return i;
    }
}
