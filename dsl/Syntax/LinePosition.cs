using System.Collections.Generic;

namespace DiffusionDsl.Language.Syntax;

/// <summary>A zero-based line and character, as Roslyn's LinePosition.</summary>
public readonly record struct LinePosition(int Line, int Character)
{
    public override string ToString() => $"({Line + 1},{Character + 1})";
}

/// <summary>
/// The line breaks of Roslyn's SourceText: CR LF (one break), CR, LF, NEL (U+0085), LINE SEPARATOR (U+2028) and
/// PARAGRAPH SEPARATOR (U+2029). The grammar ends statements at exactly these, and <see cref="LineMap"/> counts lines
/// with them, so a position the compiler reports is the one the IDE underlines.
/// </summary>
public static class LineBreaks
{
    public static bool IsLineBreak(char c) => c is '\n' or '\r' or '\u0085' or '\u2028' or '\u2029';

    /// <summary>The length of the line break at <paramref name="index"/>: 2 for CR LF, 1 for the others, 0 for none.</summary>
    public static int LengthAt(string text, int index)
    {
        if (index >= text.Length) return 0;
        char c = text[index];
        if (c == '\r') return index + 1 < text.Length && text[index + 1] == '\n' ? 2 : 1;
        return IsLineBreak(c) ? 1 : 0;
    }
}

/// <summary>Maps character offsets of a text to lines and columns, with <see cref="LineBreaks">Roslyn's line breaks</see>.</summary>
public sealed class LineMap
{
    private readonly List<int> _lineStarts = new() { 0 };

    public LineMap(string text)
    {
        for (int i = 0; i < text.Length;)
        {
            int length = LineBreaks.LengthAt(text, i);
            if (length == 0) { i++; continue; }
            i += length;
            _lineStarts.Add(i);
        }
        TextLength = text.Length;
    }

    public int TextLength { get; }


    public LinePosition PositionOf(int offset)
    {
        int lo = 0, hi = _lineStarts.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (_lineStarts[mid] <= offset) lo = mid; else hi = mid - 1;
        }
        return new LinePosition(lo, offset - _lineStarts[lo]);
    }
}
