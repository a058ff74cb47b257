using System.Collections.Generic;

namespace DiffusionDsl.Language.Syntax;

/// <summary>A zero-based line and character, as Roslyn's LinePosition.</summary>
public readonly record struct LinePosition(int Line, int Character)
{
    public override string ToString() => $"({Line + 1},{Character + 1})";
}

/// <summary>Maps character offsets of a text to lines and columns.</summary>
public sealed class LineMap
{
    private readonly List<int> _lineStarts = new() { 0 };

    public LineMap(string text)
    {
        for (int i = 0; i < text.Length; i++)
            if (text[i] == '\n') _lineStarts.Add(i + 1);
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
