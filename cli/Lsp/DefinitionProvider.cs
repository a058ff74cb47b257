using System.Linq;
using DiffusionDsl.Language.Syntax;

namespace DiffusionDsl.Cli.Lsp;

/// <summary>Go to definition: from the stage name in `decoder NAME` to that stage's line in `stages`.</summary>
internal static class DefinitionProvider
{
    public static Location? At(MsdDocumentState document, Position position)
    {
        if (document.Syntax is not { } syntax) return null;
        int offset = document.Lines.OffsetOf(position);
        if (SyntaxLocator.Find(syntax, offset) is not { OnKeyword: false, Value: NameValue name, Statement: { Keyword: "decoder" } decoder } hit
            || hit.Section != "model" || decoder.Values[0].Span != name.Span)
            return null;
        var stage = SyntaxLocator.StageLines(syntax).FirstOrDefault(s => s.Keyword == name.Name);
        return stage is null ? null : new Location(document.Uri, document.Lines.RangeOf(stage.KeywordSpan.Start, stage.KeywordSpan.Length));
    }
}
