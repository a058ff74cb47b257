using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace DiffusionDsl.Language.Syntax;

/// <summary>
/// The .msd syntax is generic: a statement is a keyword, inline values, and an optional
/// { body } of statements. Meaning is given by the binder, which can then name the exact
/// unknown keyword or misplaced value.
/// </summary>
public sealed record MsdStatement(string Keyword, SourceSpan KeywordSpan, IReadOnlyList<MsdValue> Values,
    IReadOnlyList<MsdStatement>? Body, SourceSpan Span)
{
    public override string ToString()
    {
        var builder = new StringBuilder(Keyword);
        foreach (var value in Values)
        {
            if (builder.Length > MsdValue.MaxText) break;
            value.Write(builder.Append(' '));
        }
        return MsdValue.Capped(builder.Append(Body is null ? "" : " { ... }"));
    }
}

public sealed record MsdDocument(IReadOnlyList<MsdStatement> Statements)
{
    /// <summary>The `model Name { ... }` statements that have a body (a file that compiles has one).</summary>
    public IEnumerable<MsdStatement> Models => Statements.Where(s => s.Keyword == "model" && s.Body is not null);

    /// <summary>The lines of the models' `stages { ... }` bodies: one per stage, the keyword being the stage's name.</summary>
    public IEnumerable<MsdStatement> StageLines =>
        Models.SelectMany(m => m.Body!).Where(s => s.Keyword == "stages" && s.Body is not null).SelectMany(s => s.Body!);
}

/// <summary>
/// A value as written. <see cref="ToString"/> is for messages: it stops after <see cref="MaxText"/> characters
/// (a list of a million items is not written out to be cut to an excerpt).
/// </summary>
public abstract record MsdValue(SourceSpan Span)
{
    public const int MaxText = 256;

    /// <summary>Appends the value, stopping early once <paramref name="builder"/> is longer than <see cref="MaxText"/>.</summary>
    internal abstract void Write(StringBuilder builder);

    public sealed override string ToString()
    {
        var builder = new StringBuilder();
        Write(builder);
        return Capped(builder);
    }

    internal static string Capped(StringBuilder builder) =>
        builder.Length <= MaxText ? builder.ToString() : builder.ToString(0, MaxText) + "...";

    internal static void WriteList(StringBuilder builder, IEnumerable<MsdValue> items)
    {
        bool first = true;
        foreach (var item in items)
        {
            if (builder.Length > MaxText) return;
            if (!first) builder.Append(", ");
            item.Write(builder);
            first = false;
        }
    }
}

public sealed record NumberValue(double Value, string Text, SourceSpan Span) : MsdValue(Span)
{
    public bool IsInteger => Text.IndexOfAny(new[] { '.', 'e', 'E' }) < 0 && Value >= int.MinValue && Value <= int.MaxValue;
    internal override void Write(StringBuilder builder) => builder.Append(Text, 0, System.Math.Min(Text.Length, MaxText + 1));
}

public sealed record NameValue(string Name, SourceSpan Span) : MsdValue(Span)
{
    internal override void Write(StringBuilder builder) => builder.Append(Name, 0, System.Math.Min(Name.Length, MaxText + 1));
}

/// <summary>3x32x32: channels x height x width.</summary>
public sealed record DimensionsValue(IReadOnlyList<int> Sizes, SourceSpan Span) : MsdValue(Span)
{
    internal override void Write(StringBuilder builder)
    {
        for (int i = 0; i < Sizes.Count && builder.Length <= MaxText; i++)
            builder.Append(i == 0 ? "" : "x").Append(Sizes[i].ToString(CultureInfo.InvariantCulture));
    }
}

/// <summary>[a, b, c] or an interval such as [0, 0.442) or (0.2, 1]; the binder decides which.</summary>
public sealed record BracketValue(char Open, char Close, IReadOnlyList<MsdValue> Items, SourceSpan Span) : MsdValue(Span)
{
    internal override void Write(StringBuilder builder)
    {
        builder.Append(Open);
        WriteList(builder, Items);
        builder.Append(Close);
    }
}

/// <summary>vp(beta_min = 0.1, beta_max = 20)</summary>
public sealed record CallValue(string Name, SourceSpan NameSpan, IReadOnlyList<NamedValue> Arguments, SourceSpan Span) : MsdValue(Span)
{
    internal override void Write(StringBuilder builder)
    {
        builder.Append(Name).Append('(');
        WriteList(builder, Arguments);
        builder.Append(')');
    }
}

/// <summary>beta_min = 0.1</summary>
public sealed record NamedValue(string Name, SourceSpan NameSpan, MsdValue Value, SourceSpan Span) : MsdValue(Span)
{
    internal override void Write(StringBuilder builder)
    {
        builder.Append(Name).Append('=');
        if (builder.Length <= MaxText) Value.Write(builder);
    }
}
