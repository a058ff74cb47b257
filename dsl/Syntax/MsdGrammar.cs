using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using Sprache;

namespace DiffusionDsl.Language.Syntax;

/// <summary>
/// The Sprache grammar of .msd files. Statements end at a line break (Roslyn's: CR LF, CR, LF, U+0085, U+2028,
/// U+2029), ';' or '}'.
/// <para>
/// Parsing is linear in the text. Tokens (spaces and comments, names, numbers) are scanned directly on the text and
/// jump the <see cref="SourceInput"/> to their end; a value is chosen by its first character, so no alternative
/// re-parses a token; and every repetition commits: an item that fails after consuming input fails the whole
/// repetition at once (Sprache's XMany parses that item a second time to find out, which doubles the work at
/// each nesting level). Recursion goes only through '{', '[' and '(', whose depth <see cref="NestingScanner"/> has
/// bounded before the grammar runs; an assignment's value is never itself an assignment (no `a = b = c`).
/// </para>
/// </summary>
internal static class MsdGrammar
{
    // ---- characters -------------------------------------------------------------------------------------------

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\v' or '\f';
    private static bool IsNameStart(char c) => char.IsLetter(c) || c == '_';
    private static bool IsNamePart(char c) => char.IsLetterOrDigit(c) || c == '_';
    private static bool IsDigit(char c) => c is >= '0' and <= '9';

    /// <summary>Skips spaces, tabs and comments; line breaks too when <paramref name="lines"/>, and ';' when <paramref name="semicolons"/>.</summary>
    private static int Skip(string text, int i, bool lines, bool semicolons)
    {
        while (i < text.Length)
        {
            char c = text[i];
            if (IsSpace(c) || (semicolons && c == ';') || (lines && LineBreaks.IsLineBreak(c))) { i++; continue; }
            if (Comments.StartsAt(text, i))
            {
                i = Comments.End(text, i);
                continue;
            }
            break;
        }
        return i;
    }

    private static int SkipDigits(string text, int i)
    {
        while (i < text.Length && IsDigit(text[i])) i++;
        return i;
    }

    /// <summary>The end of a dotted name (a.b.c) starting at <paramref name="i"/>, or <paramref name="i"/> when none starts there.</summary>
    private static int SkipName(string text, int i)
    {
        if (i >= text.Length || !IsNameStart(text[i])) return i;
        int end = i + 1;
        while (true)
        {
            while (end < text.Length && IsNamePart(text[end])) end++;
            if (end + 1 < text.Length && text[end] == '.' && IsNameStart(text[end + 1])) { end += 2; continue; }
            return end;
        }
    }

    // ---- results ----------------------------------------------------------------------------------------------

    private static SourceInput In(IInput input) => (SourceInput)input;

    private static IResult<T> Success<T>(T value, SourceInput input, int end) => Result.Success(value, input.At(end));

    private static IResult<T> Failure<T>(SourceInput input, int at, string expected) =>
        Result.Failure<T>(input.At(at), "unexpected input", new[] { expected });

    private static IResult<TOut> Forward<TIn, TOut>(IResult<TIn> failure) =>
        Result.Failure<TOut>(failure.Remainder, failure.Message, failure.Expectations);

    private static bool Consumed<T>(IResult<T> result, IInput start) => result.Remainder.Position != start.Position;

    /// <summary>
    /// Zero or more <paramref name="item"/>s. An item that fails without consuming input ends the list; one that fails
    /// after consuming input fails the list, with its own error (Sprache's XMany, in a single pass).
    /// </summary>
    private static Parser<List<T>> Repeated<T>(this Parser<T> item) => input =>
    {
        var items = new List<T>();
        var rest = input;
        while (true)
        {
            var next = item(rest);
            if (!next.WasSuccessful) return Consumed(next, rest) ? Forward<T, List<T>>(next) : Result.Success(items, rest);
            if (!Consumed(next, rest)) return Result.Success(items, rest);
            items.Add(next.Value);
            rest = next.Remainder;
        }
    };

    /// <summary>
    /// <paramref name="item"/>s separated by ',' (line breaks allowed around it), possibly none. After a ',' an item
    /// must follow; a failing item fails the list at its own position.
    /// </summary>
    private static Parser<List<T>> CommaSeparated<T>(this Parser<T> item) => input =>
    {
        var items = new List<T>();
        var first = item(input);
        if (!first.WasSuccessful) return Consumed(first, input) ? Forward<T, List<T>>(first) : Result.Success(items, input);
        items.Add(first.Value);
        var rest = In(first.Remainder);
        while (!rest.AtEnd && rest.Current == ',')
        {
            var next = item(rest.At(Skip(rest.Source, rest.Position + 1, lines: true, semicolons: false)));
            if (!next.WasSuccessful) return Forward<T, List<T>>(next);
            items.Add(next.Value);
            rest = In(next.Remainder);
        }
        return Result.Success(items, (IInput)rest);
    };

    /// <summary>
    /// A recursive step ('{', '[' or '('). <see cref="NestingScanner"/> bounds how deep these go; this also stops
    /// cleanly (InsufficientExecutionStackException, reported as MSD0007) on a thread whose stack is too small even for that.
    /// </summary>
    private static Parser<T> Nested<T>(Func<Parser<T>> build)
    {
        Parser<T>? parser = null;
        return input =>
        {
            RuntimeHelpers.EnsureSufficientExecutionStack();
            return (parser ??= build())(input);
        };
    }

    // ---- tokens -----------------------------------------------------------------------------------------------

    private static Parser<object> Space(bool lines, bool semicolons) => input =>
    {
        var at = In(input);
        return Success<object>("", at, Skip(at.Source, at.Position, lines, semicolons));
    };

    /// <summary>Whitespace and ';' between statements.</summary>
    private static readonly Parser<object> Separators = Space(lines: true, semicolons: true);

    /// <summary>A byte order mark at the very start of the file (SourceText usually strips it already).</summary>
    private static readonly Parser<object> ByteOrderMark = input =>
    {
        var at = In(input);
        return Success<object>("", at, at.Position == 0 && !at.AtEnd && at.Current == '\uFEFF' ? 1 : at.Position);
    };

    private static readonly Parser<(string Value, SourceSpan Span)> Name = input =>
    {
        var at = In(input);
        int end = SkipName(at.Source, at.Position);
        if (end == at.Position) return Failure<(string, SourceSpan)>(at, at.Position, "a name");
        return Success((at.Source.Substring(at.Position, end - at.Position), SourceSpan.FromBounds(at.Position, end)), at, end);
    };

    /// <summary>A number (-1.5e-3) or dimensions (3x32x32). Neither may run into a name: "12a" is an error, not "12" then "a".</summary>
    private static readonly Parser<MsdValue> NumberOrDimensions = input =>
    {
        var at = In(input);
        string text = at.Source;
        int start = at.Position, i = start;
        bool negative = i < text.Length && text[i] == '-';
        if (negative) i++;
        int digits = SkipDigits(text, i);
        if (digits == i) return Failure<MsdValue>(at, i, "a number");
        i = digits;
        if (!negative && i + 1 < text.Length && text[i] == 'x' && IsDigit(text[i + 1]))
        {
            var sizes = new List<int> { Int(text, start, i) };
            while (i + 1 < text.Length && text[i] == 'x' && IsDigit(text[i + 1]))
            {
                int from = i + 1;
                i = SkipDigits(text, from);
                sizes.Add(Int(text, from, i));
            }
            if (RunsOn(text, i)) return Failure<MsdValue>(at, i, "the end of the dimensions");
            return Success<MsdValue>(new DimensionsValue(sizes, SourceSpan.FromBounds(start, i)), at, i);
        }
        if (i + 1 < text.Length && text[i] == '.' && IsDigit(text[i + 1])) i = SkipDigits(text, i + 1);
        if (i < text.Length && text[i] is 'e' or 'E')
        {
            int sign = i + 1 < text.Length && text[i + 1] is '+' or '-' ? i + 2 : i + 1;
            int exponent = SkipDigits(text, sign);
            if (exponent > sign) i = exponent;
        }
        if (RunsOn(text, i)) return Failure<MsdValue>(at, i, "the end of the number");
        var literal = text.Substring(start, i - start);
        return Success<MsdValue>(new NumberValue(ParseDouble(literal), literal, SourceSpan.FromBounds(start, i)), at, i);
    };

    private static bool RunsOn(string text, int i) => i < text.Length && (IsNamePart(text[i]) || text[i] == '.');

    private static int Int(string text, int start, int end) =>
        int.TryParse(text.Substring(start, end - start), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : int.MaxValue;

    // .NET Framework (Visual Studio's compiler host) returns false on overflow; .NET returns infinity.
    private static double ParseDouble(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : text.StartsWith("-", StringComparison.Ordinal) ? double.NegativeInfinity : double.PositiveInfinity;

    /// <summary>Ends a statement: a line break or ';' (consumed), or '}' / end of input (left for the caller).</summary>
    private static readonly Parser<object> StatementEnd = input =>
    {
        var at = In(input);
        if (at.AtEnd || at.Current == '}') return Result.Success<object>("", input);
        if (at.Current == ';') return Success<object>("", at, at.Position + 1);
        int lineBreak = LineBreaks.LengthAt(at.Source, at.Position);
        if (lineBreak > 0) return Success<object>("", at, at.Position + lineBreak);
        return Result.Failure<object>(input, "unexpected input", new[] { "end of line", "a value" });
    };

    // ---- values -----------------------------------------------------------------------------------------------

    /// <summary>Any value, chosen by its first character; after a name, `= value` makes it a <see cref="NamedValue"/>.</summary>
    private static readonly Parser<MsdValue> Value = input => ParseValue(input, assignment: true);

    /// <summary>A value that is not an assignment: the right-hand side of one.</summary>
    private static readonly Parser<MsdValue> PlainValue = input => ParseValue(input, assignment: false);

    private static IResult<MsdValue> ParseValue(IInput input, bool assignment)
    {
        var at = In(input);
        if (at.AtEnd) return Failure<MsdValue>(at, at.Position, "a value");
        char c = at.Current;
        if (IsDigit(c) || c == '-') return NumberOrDimensions(input);
        if (c is '[' or '(') return Bracket(input);
        if (IsNameStart(c)) return NameCallOrAssignment(at, assignment);
        return Failure<MsdValue>(at, at.Position, "a value");
    }

    private static IResult<MsdValue> NameCallOrAssignment(SourceInput at, bool assignment)
    {
        var name = Name(at);
        if (!name.WasSuccessful) return Forward<(string, SourceSpan), MsdValue>(name);
        var (text, span) = name.Value;
        var after = In(name.Remainder);
        if (!after.AtEnd && after.Current == '(')
        {
            var arguments = CallArguments(after);
            if (!arguments.WasSuccessful) return Forward<List<NamedValue>, MsdValue>(arguments);
            return Result.Success<MsdValue>(new CallValue(text, span, arguments.Value,
                SourceSpan.FromBounds(span.Start, arguments.Remainder.Position)), arguments.Remainder);
        }
        if (assignment)
        {
            int equals = Skip(at.Source, after.Position, lines: false, semicolons: false);
            if (equals < at.Source.Length && at.Source[equals] == '=')
            {
                var value = PlainValue(at.At(Skip(at.Source, equals + 1, lines: false, semicolons: false)));
                if (!value.WasSuccessful) return value;
                return Result.Success<MsdValue>(new NamedValue(text, span, value.Value, span.Cover(value.Value.Span)), value.Remainder);
            }
        }
        return Result.Success<MsdValue>(new NameValue(text, span), after);
    }

    /// <summary>
    /// Runs <paramref name="parser"/>, then skips the whitespace after it (line breaks too when <paramref name="lines"/>).
    /// Hand-written rather than a query: values are the grammar's hot path.
    /// </summary>
    private static Parser<T> ThenSpace<T>(this Parser<T> parser, bool lines) => input =>
    {
        var result = parser(input);
        if (!result.WasSuccessful) return result;
        var rest = In(result.Remainder);
        return Success(result.Value, rest, Skip(rest.Source, rest.Position, lines, semicolons: false));
    };

    /// <summary>beta_min = 0.1 (line breaks allowed around '=').</summary>
    private static readonly Parser<NamedValue> NamedArgument = input =>
    {
        var name = Name(input);
        if (!name.WasSuccessful) return Forward<(string, SourceSpan), NamedValue>(name);
        var at = In(name.Remainder);
        int equals = Skip(at.Source, at.Position, lines: true, semicolons: false);
        if (equals >= at.Source.Length || at.Source[equals] != '=') return Failure<NamedValue>(at, equals, "'='");
        var value = PlainValue(at.At(Skip(at.Source, equals + 1, lines: true, semicolons: false)));
        if (!value.WasSuccessful) return Forward<MsdValue, NamedValue>(value);
        var (text, span) = name.Value;
        return Result.Success(new NamedValue(text, span, value.Value, span.Cover(value.Value.Span)), value.Remainder);
    };

    private static readonly Parser<List<NamedValue>> Arguments = NamedArgument.ThenSpace(lines: true).CommaSeparated();
    private static readonly Parser<List<MsdValue>> Items = Value.ThenSpace(lines: true).CommaSeparated();

    /// <summary>(beta_min = 0.1, beta_max = 20) after a call's name.</summary>
    private static IResult<List<NamedValue>> CallArguments(SourceInput open)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var arguments = Arguments(open.At(Skip(open.Source, open.Position + 1, lines: true, semicolons: false)));
        if (!arguments.WasSuccessful) return arguments;
        var rest = In(arguments.Remainder);
        if (!rest.AtEnd && rest.Current == ')') return Success(arguments.Value, rest, rest.Position + 1);
        return Result.Failure<List<NamedValue>>(rest, "unexpected input",
            arguments.Value.Count == 0 ? new[] { "a parameter such as beta_min = 0.1", "')'" } : new[] { "','", "')'" });
    }

    /// <summary>[a, b, c], or an interval such as [0, 0.442) or (0.2, 1]; the binder decides which.</summary>
    private static readonly Parser<MsdValue> Bracket = input =>
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var at = In(input);
        char open = at.Current;
        var items = Items(at.At(Skip(at.Source, at.Position + 1, lines: true, semicolons: false)));
        if (!items.WasSuccessful) return Forward<List<MsdValue>, MsdValue>(items);
        var rest = In(items.Remainder);
        if (rest.AtEnd || rest.Current is not (']' or ')'))
            return Result.Failure<MsdValue>(rest, "unexpected input", items.Value.Count == 0 ? new[] { "a value", "']' or ')'" } : new[] { "','", "']' or ')'" });
        return Success<MsdValue>(new BracketValue(open, rest.Current, items.Value, SourceSpan.FromBounds(at.Position, rest.Position + 1)), rest, rest.Position + 1);
    };

    // ---- statements -------------------------------------------------------------------------------------------

    private static readonly Parser<List<MsdStatement>> Body = Nested(() =>
        from open in Parse.Char('{')
        from _ in Separators
        from statements in Statement!.Repeated()
        from close in Parse.Char('}').Named("a statement or '}'")
        select statements);

    private static readonly Parser<List<MsdValue>> Values = Value.ThenSpace(lines: false).Repeated();

    /// <summary>
    /// A keyword, values, an optional { body } (single pass: a body that fails after its '{' fails the statement),
    /// then the end of the statement and the separators after it.
    /// </summary>
    private static readonly Parser<MsdStatement> Statement = input =>
    {
        var keyword = Name(input);
        if (!keyword.WasSuccessful) return Forward<(string, SourceSpan), MsdStatement>(keyword);
        var (name, keywordSpan) = keyword.Value;
        var afterKeyword = In(keyword.Remainder);
        var values = Values(afterKeyword.At(Skip(afterKeyword.Source, afterKeyword.Position, lines: false, semicolons: false)));
        if (!values.WasSuccessful) return Forward<List<MsdValue>, MsdStatement>(values);
        int end = values.Value.Count > 0 ? values.Value[values.Value.Count - 1].Span.End : keywordSpan.End;
        var rest = In(values.Remainder);
        List<MsdStatement>? body = null;
        if (!rest.AtEnd && rest.Current == '{')
        {
            var parsed = Body(rest);
            if (!parsed.WasSuccessful) return Forward<List<MsdStatement>, MsdStatement>(parsed);
            body = parsed.Value;
            rest = In(parsed.Remainder);
            end = rest.Position;
        }
        var ending = StatementEnd(rest.At(Skip(rest.Source, rest.Position, lines: false, semicolons: false)));
        if (!ending.WasSuccessful) return Forward<object, MsdStatement>(ending);
        var after = In(ending.Remainder);
        return Success(new MsdStatement(name, keywordSpan, values.Value, body, SourceSpan.FromBounds(keywordSpan.Start, end)),
            after, Skip(after.Source, after.Position, lines: true, semicolons: true));
    };

    public static readonly Parser<MsdDocument> Document =
        from bom in ByteOrderMark
        from _ in Separators
        from statements in Statement.Repeated()
        from end in Parse.Return("").End().Named("a statement")
        select new MsdDocument(statements);

    /// <summary>Parses <paramref name="text"/>, which <see cref="NestingScanner"/> has accepted.</summary>
    public static IResult<MsdDocument> ParseDocument(string text) => Document(new SourceInput(text));
}
