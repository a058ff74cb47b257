using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Language.Semantics;
using DiffusionDsl.Language.Syntax;

namespace DiffusionDsl.Cli.Lsp;

/// <summary>
/// Completion from the text before the cursor, which need not parse while it is being typed: at the start of a
/// statement the keywords of the enclosing section; after `diffusion` the schedules (then `predicts` and its targets);
/// after `solver` the solvers; after `decoder` the stages that have no decoder yet; after other option keywords their
/// words, in their own section and statement only; nothing inside a comment or brackets, nor after the model.
/// </summary>
internal static class CompletionProvider
{
    public static CompletionList At(MsdDocumentState document, Position position)
    {
        int offset = document.Lines.OffsetOf(position);
        var context = TypingContext.Before(document.Text, offset);
        return new CompletionList(false, Items(document, context).ToList());
    }

    private static IEnumerable<CompletionItem> Items(MsdDocumentState document, TypingContext context)
    {
        // Inside (...) and [...] are values: schedule parameters, numbers, resolutions.
        if (context.InComment || context.InBrackets) return Enumerable.Empty<CompletionItem>();
        if (context.StatementWords.Count == 0)
        {
            // A file holds one model: once it is written, the top level takes nothing more.
            if (context.Section == KeywordDocs.Stages || (context.Section == KeywordDocs.Top && HasModelBefore(document, context.Offset)))
                return Enumerable.Empty<CompletionItem>();
            return KeywordDocs.KeywordsOf(context.Section).Select(k => Item(k.Keyword, CompletionItemKind.Keyword, k.Doc));
        }

        string keyword = context.StatementWords[0];
        string previous = context.StatementWords[^1];
        if (keyword == "diffusion" && context.Section == KeywordDocs.Model)
        {
            if (previous == "predicts") return Words(KeywordDocs.Options["predicts"].Words);
            return context.StatementWords.Count == 1
                ? KeywordDocs.Schedules.Select(s => Item(s.Name, CompletionItemKind.EnumMember, s.Doc))
                : Words(new[] { "predicts" });
        }
        if (keyword == "solver" && context.Section == KeywordDocs.Sample && context.StatementWords.Count == 1)
            return SolverNames.All.Select(s => Item(s, CompletionItemKind.EnumMember, KeywordDocs.Solver(s)));
        if (keyword == "decoder" && context.Section == KeywordDocs.Model && context.StatementWords.Count == 1)
            return StagesWithoutDecoder(document, context.Offset).Select(s => Item(s, CompletionItemKind.Variable, "a stage of this model without a decoder yet"));
        if (KeywordDocs.Options.TryGetValue(previous, out var option) && option.Section == context.Section && option.Statement == keyword)
            return Words(option.Words);
        return Enumerable.Empty<CompletionItem>();
    }

    /// <summary>The stages (from this text's tree, or the last one that parsed) that no `decoder` but the one being typed names.</summary>
    private static IEnumerable<string> StagesWithoutDecoder(MsdDocumentState document, int offset)
    {
        if ((document.Tree ?? document.LastSyntax) is not { } tree) return Enumerable.Empty<string>();
        var decoded = tree.Models.SelectMany(m => m.Body!)
            .Where(s => s.Keyword == KeywordDocs.Decoder && s.Values.Count > 0 && s.Values[0] is NameValue && !SyntaxLocator.Contains(s.Span, offset))
            .Select(s => ((NameValue)s.Values[0]).Name)
            .ToHashSet();
        return tree.StageLines.Select(s => s.Keyword).Distinct().Where(name => !decoded.Contains(name));
    }

    private static bool HasModelBefore(MsdDocumentState document, int offset) =>
        document.Tree is { } tree && tree.Models.Any(m => m.Span.End <= offset);

    private static IEnumerable<CompletionItem> Words(IEnumerable<string> words) =>
        words.Select(w => Item(w, CompletionItemKind.Value, null));

    private static CompletionItem Item(string label, int kind, string? doc) =>
        new(label, kind, doc, doc is null ? null : new MarkupContent("markdown", doc));
}
