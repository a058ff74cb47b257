using System;

namespace DiffusionDsl.Language.Syntax;

/// <summary>A range of characters in an .msd file: a start offset and a length.</summary>
public readonly record struct SourceSpan(int Start, int Length)
{
    public int End => Start + Length;

    public static SourceSpan FromBounds(int start, int end) => new(start, Math.Max(0, end - start));

    public SourceSpan Cover(SourceSpan other) => FromBounds(Math.Min(Start, other.Start), Math.Max(End, other.End));

    public override string ToString() => $"[{Start}..{End})";
}
