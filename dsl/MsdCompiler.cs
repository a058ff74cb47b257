using System;
using System.Collections.Generic;
using System.Linq;
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
    public static MsdCompilation Compile(string text, string? defaultNamespace, out MsdDocument? syntax)
    {
        syntax = null;
        try
        {
            return CompileUnguarded(text, defaultNamespace, out syntax);
        }
        catch (Exception e)
        {
            var lines = new LineMap(text ?? "");
            var bag = new DiagnosticBag(lines);
            bag.Error(DiagnosticIds.InternalError, new SourceSpan(0, 0), $"Internal error in the .msd compiler ({e.GetType().Name}: {e.Message}); please report it with this file");
            return new MsdCompilation(null, null, bag.Items.ToEquatableArray());
        }
    }

    /// <summary>Like <see cref="Compile"/> but lets exceptions escape, so tests can prove there are none.</summary>
    public static MsdCompilation CompileUnguarded(string text, string? defaultNamespace = null) => CompileUnguarded(text, defaultNamespace, out _);

    private static MsdCompilation CompileUnguarded(string text, string? defaultNamespace, out MsdDocument? document)
    {
        text ??= "";
        var bag = new DiagnosticBag(new LineMap(text));
        document = Parse(text, bag);
        ModelSpec? model = document is null ? null : new ModelBinder(bag).Bind(document, defaultNamespace);
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
        var expected = result.Expectations.Distinct().ToList();
        // A word is shown and spanned whole; a word where the statement should end is most often a second statement on
        // the line: the hint says how to write one.
        int word = WordLength(text, position);
        string found = word > 0 ? $"'{text.Substring(position, word)}'" : Display.Character(text, position);
        string hint = word > 0 && expected.Contains("end of line") ? $" (a second statement on one line needs ';' before {found})" : "";
        int length = word > 0 ? word
            : position < text.Length && !LineBreaks.IsLineBreak(text[position]) ? (char.IsHighSurrogate(text[position]) && position + 1 < text.Length && char.IsLowSurrogate(text[position + 1]) ? 2 : 1) : 0;
        diagnostics.Error(DiagnosticIds.SyntaxError, new SourceSpan(position, length),
            $"Syntax error: unexpected {found}" + (expected.Count > 0 ? $"; expected {string.Join(" or ", expected)}" : "") + hint);
        return null;
    }
}
