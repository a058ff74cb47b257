using System;
using System.Collections.Generic;

namespace DiffusionDsl.Cli.Lsp;

/// <summary>
/// Offsets to LSP positions and back. LSP counts lines at CR LF, CR and LF only, and characters in UTF-16 code
/// units (its default encoding), so an offset the compiler reports maps to the place the editor shows. (The
/// compiler's own line numbers also break at U+0085, U+2028 and U+2029, as Roslyn does; offsets are the same.)
/// </summary>
internal sealed class TextLines
{
    private readonly List<int> _starts = new() { 0 };

    public TextLines(string text)
    {
        Text = text;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
            if (text[i] is '\r' or '\n') _starts.Add(i + 1);
        }
    }

    public string Text { get; }


    public Position PositionOf(int offset)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        int lo = 0, hi = _starts.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (_starts[mid] <= offset) lo = mid; else hi = mid - 1;
        }
        return new Position(lo, offset - _starts[lo]);
    }

    /// <summary>The offset of an LSP position, clamped to its line (a character past the line's end is its end).</summary>
    public int OffsetOf(Position position)
    {
        if (position.Line < 0) return 0;
        if (position.Line >= _starts.Count) return Text.Length;
        int start = _starts[position.Line];
        return start + Math.Clamp(position.Character, 0, LineEnd(position.Line) - start);
    }

    /// <summary>The offset where line <paramref name="line"/>'s text ends, before its line break.</summary>
    private int LineEnd(int line)
    {
        int end = line + 1 < _starts.Count ? _starts[line + 1] : Text.Length;
        while (end > _starts[line] && Text[end - 1] is '\r' or '\n') end--;
        return end;
    }

    public Range RangeOf(int start, int length) => new(PositionOf(start), PositionOf(start + length));
}
