using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Sprache;

namespace DiffusionDsl.Language.Syntax;

/// <summary>
/// Sprache's input over one .msd text. Unlike Sprache's own Input, which allocates a memo dictionary on every
/// character it advances, positions here share one text and one dictionary, and the grammar's lexical parsers jump
/// straight to the end of a token (<see cref="At"/>) instead of advancing character by character. Line and column
/// (only used for Sprache's own messages) come from the <see cref="LineMap"/>, with Roslyn's line breaks.
/// </summary>
internal sealed class SourceInput : IInput
{
    private sealed class Shared
    {
        public Shared(string text) => Text = text;
        public readonly string Text;
        public readonly Dictionary<object, object> Memos = new();
        private LineMap? _lines;
        public LineMap Lines => _lines ??= new LineMap(Text);
    }

    private readonly Shared _shared;

    public SourceInput(string text) : this(new Shared(text), 0) { }

    private SourceInput(Shared shared, int position)
    {
        _shared = shared;
        Position = position;
    }

    public string Source => _shared.Text;
    public int Position { get; }
    public bool AtEnd => Position >= _shared.Text.Length;
    public char Current => _shared.Text[Position];
    public int Line => _shared.Lines.PositionOf(Position).Line + 1;
    public int Column => _shared.Lines.PositionOf(Position).Character + 1;
    public IDictionary<object, object> Memos => _shared.Memos;

    /// <summary>The same text at <paramref name="position"/>.</summary>
    public SourceInput At(int position) => position == Position ? this : new SourceInput(_shared, position);

    public IInput Advance()
    {
        if (AtEnd) throw new InvalidOperationException("The input is already at the end of the source.");
        return new SourceInput(_shared, Position + 1);
    }

    public bool Equals(IInput? other) =>
        other is SourceInput input ? ReferenceEquals(input._shared, _shared) && input.Position == Position
        : other is not null && other.Position == Position && string.Equals(other.Source, Source, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is IInput input && Equals(input);

    public override int GetHashCode() => RuntimeHelpers.GetHashCode(_shared.Text) * 397 ^ Position;

    public override string ToString() => $"Line {Line}, Column {Column}";
}
