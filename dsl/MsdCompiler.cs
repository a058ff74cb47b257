using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using DiffusionDsl.Language.Cost;
using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Language.Semantics;
using DiffusionDsl.Language.Syntax;
using DiffusionDsl.Runtime.Staging;
using Sprache;

namespace DiffusionDsl.Language;

/// <summary>The result of compiling one .msd text: the spec (null when there are errors), its cost, and every diagnostic.</summary>
public sealed record MsdCompilation(ModelSpec? Model, ModelCostTable? Cost, EquatableArray<MsdDiagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);
}

/// <summary>Parses, binds and checks .msd source. Never throws on any input.</summary>
public static class MsdCompiler
{
    public static MsdCompilation Compile(string text, string? defaultNamespace = null) => Compile(text, defaultNamespace, out _);

    /// <summary>As <see cref="Compile(string, string?)"/>, also handing out the syntax tree (null on a syntax error), so an editor need not parse again.</summary>
    public static MsdCompilation Compile(string text, string? defaultNamespace, out MsdDocument? syntax) =>
        Compile(text, defaultNamespace, out syntax, CancellationToken.None);

    /// <summary>
    /// As <see cref="Compile(string, string?, out MsdDocument?)"/>, stopping between its phases (parse, bind, cost) with an
    /// <see cref="OperationCanceledException"/> once <paramref name="cancellation"/> is cancelled: the IDE's next keystroke
    /// need not wait for this one's compile.
    /// </summary>
    public static MsdCompilation Compile(string text, string? defaultNamespace, out MsdDocument? syntax, CancellationToken cancellation)
    {
        syntax = null;
        try
        {
            return CompileUnguarded(text, defaultNamespace, out syntax, cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var lines = new LineMap(text ?? "");
            var bag = new DiagnosticBag(lines);
            bag.Error(DiagnosticIds.InternalError, new SourceSpan(0, 0), $"Internal error in the .msd compiler ({e.GetType().Name}: {e.Message}); please report it with this file");
            return new MsdCompilation(null, null, bag.Items.ToEquatableArray());
        }
    }

    /// <summary>Like <see cref="Compile"/> but lets exceptions escape, so tests can prove there are none.</summary>
    public static MsdCompilation CompileUnguarded(string text, string? defaultNamespace = null) => CompileUnguarded(text, defaultNamespace, out _, CancellationToken.None);

    private static MsdCompilation CompileUnguarded(string text, string? defaultNamespace, out MsdDocument? document, CancellationToken cancellation)
    {
        text ??= "";
        var bag = new DiagnosticBag(new LineMap(text));
        document = Parse(text, bag);
        cancellation.ThrowIfCancellationRequested();
        ModelSpec? model = document is null ? null : new ModelBinder(bag).Bind(document, defaultNamespace);
        cancellation.ThrowIfCancellationRequested();
        // Every way to no model is meant to say why; should one not, the build still fails with a diagnostic, not silently.
        if (document is not null && model is null && !bag.HasErrors)
            bag.Error(DiagnosticIds.InternalError, new SourceSpan(0, 0), "The model could not be checked and no error says why (a compiler bug); please report it with this file");
        var cost = model is null ? null : CostModel.Of(model);
        return new MsdCompilation(bag.HasErrors ? null : model, bag.HasErrors ? null : cost, bag.Items.ToEquatableArray());
    }

    /// <summary>The length of the ASCII word (a letter or '_', then letters, digits or '_', at most 40) at <paramref name="position"/>; 0 when none starts there.</summary>
    private static int WordLength(string text, int position)
    {
        static bool Letter(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_';
        if (position >= text.Length || !Letter(text[position])) return 0;
        int end = position + 1;
        while (end < text.Length && end - position < 40 && (Letter(text[end]) || text[end] is >= '0' and <= '9')) end++;
        return end - position;
    }

    /// <summary>
    /// Parses <paramref name="text"/>: the size limit, then <see cref="NestingScanner"/> (unclosed, mismatched or too
    /// deeply nested brackets), then the grammar. Reports the first syntax error; null when there is one.
    /// </summary>
    public static MsdDocument? Parse(string text, DiagnosticBag diagnostics)
    {
        if (text.Length > MsdLimits.MaxLength)
        {
            diagnostics.Error(DiagnosticIds.LimitExceeded, new SourceSpan(MsdLimits.MaxLength, 0),
                $"The file has {text.Length:N0} characters; an .msd file may have at most {MsdLimits.MaxLength:N0}");
            return null;
        }
        if (!NestingScanner.Check(text, diagnostics)) return null;

        IResult<MsdDocument> result;
        try
        {
            result = MsdGrammar.ParseDocument(text);
        }
        catch (InsufficientExecutionStackException)
        {
            diagnostics.Error(DiagnosticIds.LimitExceeded, new SourceSpan(0, 0),
                "The file nests too deeply for the stack of the thread compiling it; nest braces and brackets less deeply");
            return null;
        }
        if (result.WasSuccessful) return result.Value;
        int position = Math.Min(result.Remainder.Position, text.Length);
        // near-data reads as the name near and the number -data, which fails at "data": said as what it is.
        if (HyphenatedWord(text, position) is var (wordStart, wordEnd))
        {
            string written = text.Substring(wordStart, wordEnd - wordStart);
            diagnostics.Error(DiagnosticIds.SyntaxError, new SourceSpan(wordStart, wordEnd - wordStart),
                $"Syntax error: {Display.Quote(written)} is not a name: names join their words with '_', not '-' (write {written.Replace('-', '_')})");
            return null;
        }
        var expected = result.Expectations.Distinct().ToList();
        // A word is shown and spanned whole; a word where the statement should end is most often a second statement on
        // the line: the hint says how to write one.
        int word = WordLength(text, position);
        string found = word > 0 ? $"'{text.Substring(position, word)}'" : Display.Character(text, position);
        string hint = word > 0 && expected.Contains("end of line") ? $" (a second statement on one line needs ';' before {found})" : "";
        // Two slips other languages allow: a brace on the line after its statement (C#'s style), a number without its 0.
        if (position < text.Length && text[position] == '{' && StartsItsLine(text, position))
            hint = " (a '{' opens the block of the statement before it and goes on that statement's line: model Name {)";
        else if (position + 1 < text.Length && text[position] == '.' && char.IsDigit(text[position + 1]) && (position == 0 || !char.IsDigit(text[position - 1])))
            hint = " (a number starts with a digit: put a 0 before the '.')";
        int length = word > 0 ? word
            : position < text.Length && !LineBreaks.IsLineBreak(text[position]) ? (char.IsHighSurrogate(text[position]) && position + 1 < text.Length && char.IsLowSurrogate(text[position + 1]) ? 2 : 1) : 0;
        diagnostics.Error(DiagnosticIds.SyntaxError, new SourceSpan(position, length),
            $"Syntax error: unexpected {found}" + (expected.Count > 0 ? $"; expected {string.Join(" or ", expected)}" : "") + hint);
        return null;
    }

    /// <summary>Whether only spaces and tabs come before <paramref name="position"/> on its line.</summary>
    private static bool StartsItsLine(string text, int position)
    {
        for (int i = position - 1; i >= 0 && !LineBreaks.IsLineBreak(text[i]); i--)
            if (text[i] is not (' ' or '\t')) return false;
        return true;
    }

    /// <summary>
    /// The bounds of a word such as near-data when the parse failed at a letter right after a '-' that follows a name's
    /// letter or digit; null otherwise (a minus sign before a number, -1.5, parses).
    /// </summary>
    private static (int Start, int End)? HyphenatedWord(string text, int position)
    {
        static bool IsWordPart(char c) => char.IsLetterOrDigit(c) || c == '_';
        if (position < 2 || position >= text.Length || text[position - 1] != '-' || !IsWordPart(text[position - 2]) || !char.IsLetter(text[position]))
            return null;
        int start = position - 1, end = position;
        while (start > 0 && (IsWordPart(text[start - 1]) || (text[start - 1] == '-' && start > 1 && IsWordPart(text[start - 2])))) start--;
        while (end < text.Length && (IsWordPart(text[end]) || (text[end] == '-' && end + 1 < text.Length && char.IsLetter(text[end + 1])))) end++;
        return (start, end);
    }
}
