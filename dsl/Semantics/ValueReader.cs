using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Language.Syntax;
using DiffusionDsl.Runtime;

namespace DiffusionDsl.Language.Semantics;

/// <summary>Reads typed values from statements, reporting MSD0005 at the offending value.</summary>
internal sealed class ValueReader
{
    private readonly DiagnosticBag _diagnostics;

    public ValueReader(DiagnosticBag diagnostics) => _diagnostics = diagnostics;

    public DiagnosticBag Diagnostics => _diagnostics;

    public MsdValue? At(MsdStatement statement, int index, string expected)
    {
        if (index < statement.Values.Count) return statement.Values[index];
        var after = statement.Values.Count > 0 ? statement.Values[statement.Values.Count - 1].Span : statement.KeywordSpan;
        _diagnostics.Error(DiagnosticIds.WrongValue, after, $"{Display.Quote(statement.Keyword)} needs {expected}");
        return null;
    }

    public bool NoMoreThan(MsdStatement statement, int count)
    {
        if (statement.Values.Count <= count) return true;
        var extra = statement.Values[count].Span.Cover(statement.Values[statement.Values.Count - 1].Span);
        _diagnostics.Error(DiagnosticIds.WrongValue, extra, $"{Display.Quote(statement.Keyword)} takes {count} value{(count == 1 ? "" : "s")}; remove the rest");
        return false;
    }

    public double? Number(MsdValue? value, string what)
    {
        if (value is null) return null;
        if (value is NumberValue n && !double.IsInfinity(n.Value) && !double.IsNaN(n.Value)) return n.Value;
        _diagnostics.Error(DiagnosticIds.WrongValue, value.Span, $"{what} must be a finite number, not {Display.Quote(value)}");
        return null;
    }

    public int? Integer(MsdValue? value, string what)
    {
        if (value is null) return null;
        if (value is NumberValue n && n.IsInteger) return (int)n.Value;
        // A whole number past what a count can hold is out of range, not "not a whole number".
        if (value is NumberValue big && big.Text.IndexOfAny(new[] { '.', 'e', 'E' }) < 0)
            _diagnostics.Error(DiagnosticIds.ValueOutOfRange, value.Span, big.Value > 0
                ? $"{what} must be at most {int.MaxValue}, not {Display.Quote(value)}"
                : $"{what} must be at least {int.MinValue}, not {Display.Quote(value)}");
        else
            _diagnostics.Error(DiagnosticIds.WrongValue, value.Span, $"{what} must be a whole number, not {Display.Quote(value)}");
        return null;
    }

    public string? Name(MsdValue? value, string what)
    {
        if (value is null) return null;
        if (value is NameValue n) return n.Name;
        _diagnostics.Error(DiagnosticIds.WrongValue, value.Span, $"{what} must be a name, not {Display.Quote(value)}");
        return null;
    }

    /// <summary>A name from a fixed set, with a "did you mean" for near misses.</summary>
    public string? Option(MsdValue? value, string what, IReadOnlyCollection<string> options)
    {
        var name = Name(value, what);
        if (name is null) return null;
        if (options.Contains(name)) return name;
        _diagnostics.Error(DiagnosticIds.UnknownOption, value!.Span, $"Unknown {what} {Display.Quote(name)}; {Suggestions.Hint(name, options)}");
        return null;
    }

    /// <summary>
    /// A setting's one word from a fixed set (`flip true`, `solver heun`): null when the setting is not written or is in
    /// error (a missing or second value, or a word not in the set, each reported).
    /// </summary>
    public string? Choice(MsdStatement? statement, string expected, string what, IReadOnlyCollection<string> options)
    {
        if (statement is null) return null;
        NoMoreThan(statement, 1);
        return Option(At(statement, 0, expected), what, options);
    }

    private static readonly string[] TrueOrFalse = { "true", "false" };

    /// <summary>A setting written `true` or `false` (<see cref="Choice"/>).</summary>
    public bool? Flag(MsdStatement? statement, string what) => Choice(statement, "true or false", what, TrueOrFalse) is { } word ? word == "true" : null;

    public List<double>? NumberList(MsdValue? value, string what)
    {
        if (value is null) return null;
        if (value is NumberValue single) return Number(single, what) is { } v ? new List<double> { v } : null;
        if (value is not BracketValue { Open: '[', Close: ']' } list)
        {
            _diagnostics.Error(DiagnosticIds.WrongValue, value.Span, $"{what} must be a number or a list such as [2, 2, 2], not {Display.Quote(value)}");
            return null;
        }
        var result = new List<double>();
        foreach (var item in list.Items)
        {
            var v = Number(item, what);
            if (v is null) return null;
            result.Add(v.Value);
        }
        return result;
    }

    public List<(int Value, SourceSpan Span)>? IntegerList(MsdValue? value, string what)
    {
        if (value is null) return null;
        IReadOnlyList<MsdValue> items = value is BracketValue { Open: '[', Close: ']' } list ? list.Items : new[] { value };
        if (value is BracketValue { Open: not '[' } or BracketValue { Close: not ']' })
        {
            _diagnostics.Error(DiagnosticIds.WrongValue, value.Span, $"{what} must be a whole number or a list such as [2, 2, 2]");
            return null;
        }
        var result = new List<(int, SourceSpan)>();
        foreach (var item in items)
        {
            var v = Integer(item, what);
            if (v is null) return null;
            result.Add((v.Value, item.Span));
        }
        return result;
    }

    /// <summary>Reads a value and checks its range; reports MSD0040 with the allowed range.</summary>
    public double? InRange(MsdStatement? statement, string what, double min, bool minInclusive, double max, bool maxInclusive) =>
        InRange(statement, SettingRange.Between(what, min, minInclusive, max, maxInclusive));

    /// <summary>Reads a number held to a range (a setting's shared one: <see cref="Runtime.Training.TrainRanges"/>); reports MSD0040 with it.</summary>
    public double? InRange(MsdStatement? statement, SettingRange range)
    {
        if (statement is null) return null;
        NoMoreThan(statement, 1);
        var value = Number(At(statement, 0, "a number"), range.Named());
        if (value is null || range.Contains(value.Value)) return value;
        _diagnostics.Error(DiagnosticIds.ValueOutOfRange, statement.Values[0].Span, $"{range.Named()} must be {range.Describe()}{ZeroNote(range)}, not {Shown(statement.Values[0], value.Value)}");
        return null;
    }

    /// <summary>A number as messages show it; one written non-zero that reads as 0 (1e-400) is shown as written, and why.</summary>
    private static string Shown(MsdValue written, double value) =>
        value == 0 && written is NumberValue { Text: var text } && text.Split('e', 'E')[0].Any(c => c is >= '1' and <= '9')
            ? $"{text} (below the smallest double, so 0)"
            : Format(value);

    public int? PositiveInteger(MsdStatement? statement, string what, int min = 1) => Count(statement, SettingRange.Count(what, min));

    /// <summary>Reads a whole number held to a range (a setting's shared one: <see cref="Runtime.Training.TrainRanges"/>).</summary>
    public int? Count(MsdStatement? statement, SettingRange range)
    {
        if (statement is null) return null;
        NoMoreThan(statement, 1);
        var value = Integer(At(statement, 0, "a whole number"), range.Named());
        if (value is null || range.Contains(value.Value)) return value;
        // Below 1 a count is "not positive"; a positive count under a higher minimum is out of range.
        _diagnostics.Error(range.Min >= 1 && value < 1 ? DiagnosticIds.NotPositive : DiagnosticIds.ValueOutOfRange, statement.Values[0].Span,
            $"{range.Named()} must be {range.Describe()}{ZeroNote(range)}, not {value}");
        return null;
    }

    private static string ZeroNote(SettingRange range) => range.ZeroMeans is null ? "" : $" (0: {range.ZeroMeans})";

    public static string Format(double value) => Display.Number(value);
}
