using System.Linq;
using DiffusionDsl.Language.Syntax;

namespace DiffusionDsl.Cli.Lsp;

/// <summary>Go to definition: from the stage name in `decoder NAME` to that stage's line in `stages`.</summary>
internal static class DefinitionProvider
{
    public static Location? At(MsdDocumentState document, Position position)
    {
        if (SyntaxLocator.Find(document, position)?.DecoderStage is not { } name) return null;
        var stage = document.Tree!.StageLines.FirstOrDefault(s => s.Keyword == name.Name);
        return stage is null ? null : new Location(document.Uri, document.Lines.RangeOf(stage.KeywordSpan.Start, stage.KeywordSpan.Length));
    }
}
