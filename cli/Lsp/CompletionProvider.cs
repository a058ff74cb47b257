using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Language.Semantics;

namespace DiffusionDsl.Cli.Lsp;

/// <summary>
/// Completion from the text before the cursor, which need not parse while it is being typed: at the start of a
/// statement the keywords of the enclosing section; after `diffusion` the schedules (then `predicts` and its targets);
/// after `solver` the solvers; after `decoder` the stage names (from the last text that parsed); after other option
/// keywords their words; nothing inside a comment.
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
        if (context.InComment) return Enumerable.Empty<CompletionItem>();
        if (context.StatementWords.Count == 0)
            return context.Section == KeywordDocs.Stages
                ? Enumerable.Empty<CompletionItem>()
                : KeywordDocs.KeywordsOf(context.Section).Select(k => Item(k.Keyword, CompletionItemKind.Keyword, k.Doc));

        string keyword = context.StatementWords[0];
        string previous = context.StatementWords[^1];
        if (keyword == "diffusion" && context.Section == KeywordDocs.Model)
        {
            if (previous == "predicts") return Words(KeywordDocs.Options["predicts"]);
            return context.StatementWords.Count == 1
                ? KeywordDocs.Schedules.Select(s => Item(s.Name, CompletionItemKind.EnumMember, s.Doc))
                : Words(new[] { "predicts" });
        }
        if (keyword == "solver" && context.Section == KeywordDocs.Sample && context.StatementWords.Count == 1)
            return SolverNames.All.Select(s => Item(s, CompletionItemKind.EnumMember, KeywordDocs.Solver(s)));
        if (keyword == "decoder" && context.Section == KeywordDocs.Model && context.StatementWords.Count == 1)
            return StageNames(document).Select(s => Item(s, CompletionItemKind.Variable, "a stage of this model"));
        if (KeywordDocs.Options.TryGetValue(previous, out var words) && (previous != "clip" || context.Section == KeywordDocs.Sample))
            return Words(words);
        return Enumerable.Empty<CompletionItem>();
    }

    private static IEnumerable<string> StageNames(MsdDocumentState document) =>
        document.LastSyntax is { } syntax ? SyntaxLocator.StageLines(syntax).Select(s => s.Keyword).Distinct() : Enumerable.Empty<string>();

    private static IEnumerable<CompletionItem> Words(IEnumerable<string> words) =>
        words.Select(w => Item(w, CompletionItemKind.Value, null));

    private static CompletionItem Item(string label, int kind, string? doc) =>
        new(label, kind, doc, doc is null ? null : new MarkupContent("markdown", doc));
}
