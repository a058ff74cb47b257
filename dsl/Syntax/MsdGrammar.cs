using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Sprache;

namespace DiffusionDsl.Language.Syntax;

/// <summary>The Sprache grammar of .msd files. Statements end at a newline, ';' or '}'.</summary>
internal static class MsdGrammar
{
    private static readonly Parser<string> Comment =
        from start in Parse.String("//").Text().Or(Parse.String("#").Text())
        from rest in Parse.CharExcept('\n').Many().Text()
        select rest;

    /// <summary>Spaces, tabs and comments: whitespace that does not end a statement.</summary>
    private static readonly Parser<IEnumerable<object>> InlineSpace =
        Parse.Chars(' ', '\t', '\r').Select(c => (object)c).Or(Comment).Many();

    /// <summary>Any whitespace, including newlines (inside brackets and between statements).</summary>
    private static readonly Parser<IEnumerable<object>> AnySpace =
        Parse.Chars(' ', '\t', '\r', '\n').Select(c => (object)c).Or(Comment).Many();

    private static readonly Parser<IEnumerable<object>> Separators =
        Parse.Chars(' ', '\t', '\r', '\n', ';').Select(c => (object)c).Or(Comment).Many();

    // Sprache's Parse.Ref memoises failures per position and throws when a backtracking
    // combinator (XMany) retries the same parser there; a plain deferred reference does not.
    private static Parser<T> Lazy<T>(System.Func<Parser<T>> reference) => input => reference()(input);

    private static Parser<T> Token<T>(this Parser<T> parser) =>
        from value in parser
        from _ in InlineSpace
        select value;

    private static Parser<(T Value, SourceSpan Span)> Spanned<T>(this Parser<T> parser) => input =>
    {
        var result = parser(input);
        if (!result.WasSuccessful) return Result.Failure<(T, SourceSpan)>(result.Remainder, result.Message, result.Expectations);
        return Result.Success((result.Value, SourceSpan.FromBounds(input.Position, result.Remainder.Position)), result.Remainder);
    };

    private static readonly Parser<string> Identifier =
        Parse.Identifier(Parse.Letter.Or(Parse.Char('_')), Parse.LetterOrDigit.Or(Parse.Char('_')))
            .DelimitedBy(Parse.Char('.'))
            .Select(parts => string.Join(".", parts))
            .Named("a name");

    private static readonly Parser<string> Digits = Parse.Digit.AtLeastOnce().Text();

    /// <summary>A number must not run into a name: "12a" is an error, not "12" then "a".</summary>
    private static Parser<T> NotFollowedByNameChar<T>(this Parser<T> parser) => input =>
    {
        var result = parser(input);
        if (!result.WasSuccessful || result.Remainder.AtEnd) return result;
        char next = result.Remainder.Current;
        return char.IsLetterOrDigit(next) || next == '_' || next == '.'
            ? Result.Failure<T>(result.Remainder, $"unexpected '{next}' after a number", new[] { "a number" })
            : result;
    };

    private static readonly Parser<MsdValue> Number =
        (from sign in Parse.Char('-').Optional()
         from whole in Digits
         from fraction in Parse.Char('.').Then(_ => Digits).Optional()
         from exponent in (from e in Parse.Chars('e', 'E')
                           from s in Parse.Chars('+', '-').Optional()
                           from d in Digits
                           select "e" + (s.IsDefined ? s.Get().ToString() : "") + d).Optional()
         select (sign.IsDefined ? "-" : "") + whole + (fraction.IsDefined ? "." + fraction.Get() : "") + exponent.GetOrElse(""))
        .NotFollowedByNameChar()
        .Spanned()
        .Select(n => (MsdValue)new NumberValue(ParseDouble(n.Value), n.Value, n.Span))
        .Named("a number");

    // .NET Framework (Visual Studio's compiler host) returns false on overflow; .NET returns infinity.
    private static double ParseDouble(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : text.StartsWith("-") ? double.NegativeInfinity : double.PositiveInfinity;

    private static readonly Parser<MsdValue> Dimensions =
        (from first in Digits
         from rest in Parse.Char('x').Then(_ => Digits).AtLeastOnce()
         select new[] { first }.Concat(rest).ToList())
        .NotFollowedByNameChar()
        .Spanned()
        .Select(d => (MsdValue)new DimensionsValue(
            d.Value.Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : int.MaxValue).ToList(), d.Span))
        .Named("dimensions such as 3x32x32");

    private static readonly Parser<NamedValue> NamedArgument =
        from name in Identifier.Spanned()
        from _ in AnySpace
        from eq in Parse.Char('=')
        from __ in AnySpace
        from value in Lazy(() => Value)
        select new NamedValue(name.Value, name.Span, value, name.Span.Cover(value.Span));

    private static readonly Parser<MsdValue> Call =
        (from name in Identifier.Spanned()
         from open in Parse.Char('(')
         from _ in AnySpace
         from args in (from a in NamedArgument
                       from s in AnySpace
                       select a).DelimitedBy(Parse.Char(',').Then(_ => AnySpace)).Optional()
         from close in Parse.Char(')').Named("')'")
         select (name, args: args.GetOrElse(Enumerable.Empty<NamedValue>()).ToList()))
        .Spanned()
        .Select(c => (MsdValue)new CallValue(c.Value.name.Value, c.Value.name.Span, c.Value.args, c.Span));

    private static readonly Parser<MsdValue> Bracket =
        (from open in Parse.Chars('[', '(')
         from _ in AnySpace
         from items in (from v in Lazy(() => Value)
                        from s in AnySpace
                        select v).DelimitedBy(Parse.Char(',').Then(_ => AnySpace)).Optional()
         from close in Parse.Chars(']', ')').Named("']' or ')'")
         select (open, close, items: items.GetOrElse(Enumerable.Empty<MsdValue>()).ToList()))
        .Spanned()
        .Select(b => (MsdValue)new BracketValue(b.Value.open, b.Value.close, b.Value.items, b.Span));

    private static readonly Parser<MsdValue> NamedOrName =
        (from name in Identifier.Spanned()
         from assigned in (from _ in InlineSpace
                           from eq in Parse.Char('=')
                           from __ in InlineSpace
                           from value in Lazy(() => Value)
                           select value).Optional()
         select assigned.IsDefined
             ? (MsdValue)new NamedValue(name.Value, name.Span, assigned.Get(), name.Span.Cover(assigned.Get().Span))
             : new NameValue(name.Value, name.Span));

    private static readonly Parser<MsdValue> Value =
        Dimensions.Or(Number).Or(Bracket).Or(Call).Or(NamedOrName).Named("a value");

    /// <summary>Ends a statement: newline or ';' (consumed), or '}' / end of input (left for the caller).</summary>
    private static readonly Parser<object> StatementEnd = input =>
    {
        if (input.AtEnd) return Result.Success<object>("", input);
        char c = input.Current;
        if (c == '\n' || c == ';') return Result.Success<object>(c, input.Advance());
        if (c == '}') return Result.Success<object>(c, input);
        return Result.Failure<object>(input, $"unexpected '{c}'", new[] { "end of line", "a value" });
    };

    private static readonly Parser<IEnumerable<MsdStatement>> Body =
        from open in Parse.Char('{').Token()
        from _ in Separators
        from statements in Lazy(() => Statement).XMany()
        from close in Parse.Char('}').Named("'}'")
        select statements;

    private static readonly Parser<MsdStatement> Statement =
        from core in (from keyword in Identifier.Spanned().Token()
                      from values in Value.Token().XMany()
                      from body in Body.XOptional()
                      select (keyword, values: values.ToList(), body: body.IsDefined ? body.Get().ToList() : null)).Spanned()
        from _ in InlineSpace
        from end in StatementEnd
        from __ in Separators
        select new MsdStatement(core.Value.keyword.Value, core.Value.keyword.Span, core.Value.values, core.Value.body, core.Span);

    public static readonly Parser<MsdDocument> Document =
        from _ in Separators
        from statements in Statement.XMany()
        from end in Parse.Return("").End().Named("a statement")
        select new MsdDocument(statements.ToList());
}
