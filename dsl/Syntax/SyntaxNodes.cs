using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace DiffusionDsl.Language.Syntax;

/// <summary>
/// The .msd syntax is generic: a statement is a keyword, inline values, and an optional
/// { body } of statements. Meaning is given by the binder, which can then name the exact
/// unknown keyword or misplaced value.
/// </summary>
public sealed record MsdStatement(string Keyword, SourceSpan KeywordSpan, IReadOnlyList<MsdValue> Values,
    IReadOnlyList<MsdStatement>? Body, SourceSpan Span)
{
    public override string ToString() => Keyword + (Values.Count > 0 ? " " + string.Join(" ", Values) : "") + (Body is null ? "" : " { ... }");
}

public sealed record MsdDocument(IReadOnlyList<MsdStatement> Statements);

public abstract record MsdValue(SourceSpan Span);

public sealed record NumberValue(double Value, string Text, SourceSpan Span) : MsdValue(Span)
{
    public bool IsInteger => Text.IndexOfAny(new[] { '.', 'e', 'E' }) < 0 && Value >= int.MinValue && Value <= int.MaxValue;
    public override string ToString() => Text;
}

public sealed record NameValue(string Name, SourceSpan Span) : MsdValue(Span)
{
    public override string ToString() => Name;
}

/// <summary>3x32x32: channels x height x width.</summary>
public sealed record DimensionsValue(IReadOnlyList<int> Sizes, SourceSpan Span) : MsdValue(Span)
{
    public override string ToString() => string.Join("x", Sizes.Select(s => s.ToString(CultureInfo.InvariantCulture)));
}

/// <summary>[a, b, c] or an interval such as [0, 0.442) or (0.2, 1]; the binder decides which.</summary>
public sealed record BracketValue(char Open, char Close, IReadOnlyList<MsdValue> Items, SourceSpan Span) : MsdValue(Span)
{
    public override string ToString() => Open + string.Join(", ", Items) + Close;
}

/// <summary>vp(beta_min = 0.1, beta_max = 20)</summary>
public sealed record CallValue(string Name, SourceSpan NameSpan, IReadOnlyList<NamedValue> Arguments, SourceSpan Span) : MsdValue(Span)
{
    public override string ToString() => Name + "(" + string.Join(", ", Arguments) + ")";
}

/// <summary>beta_min = 0.1</summary>
public sealed record NamedValue(string Name, SourceSpan NameSpan, MsdValue Value, SourceSpan Span) : MsdValue(Span)
{
    public override string ToString() => Name + "=" + Value;
}
