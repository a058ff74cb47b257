using DiffusionDsl.Language.Diagnostics;

namespace DiffusionDsl.Language.Tests;

/// <summary>Errors placed at the token to change, not at the start of its statement (a reviewer's findings).</summary>
public class DiagnosticPlacementTests
{
    private static string Tiny => TinyModel.With();

    [Fact]
    public void EdmPreconditioningWithAnotherScheduleIsPlacedAtThePredictionTarget() =>
        TinyModel.SingleDiagnostic(Tiny.Replace("predicts eps", "predicts ⟦edm⟧"), DiagnosticIds.IncompatibleSettings);

    /// <summary>Once, at the heads count: it was reported at the encoder's mult and again at its attention line.</summary>
    [Fact]
    public void HeadsThatDivideNoWidthAreReportedOnceAtTheHeadsCount()
    {
        var source = Tiny.Replace("  encoder ddpmpp {\n", "  encoder ddpmpp {\n    attention at 4 heads ⟦5⟧\n");
        TinyModel.SingleDiagnostic(source, DiagnosticIds.HeadsDoNotDivideWidth);
    }

    /// <summary>Once too where several attended levels fail (it was once per level, all at the one heads count).</summary>
    [Fact]
    public void HeadsThatDivideNoWidthOfSeveralLevelsAreReportedOnce()
    {
        var source = Tiny.Replace("  encoder ddpmpp {\n", "  encoder ddpmpp {\n    attention at [8, 4] heads ⟦3⟧\n");
        TinyModel.SingleDiagnostic(source, DiagnosticIds.HeadsDoNotDivideWidth);
    }

    [Fact]
    public void AFullFormDecoderLevelsWrongBlocksArePlacedAtTheBlocksCount()
    {
        var source = Tiny.Replace("  decoder b { width 4 }", "  decoder b {\n    level 4 { width 16 }\n    level 8 { width 8  blocks ⟦7⟧ }\n  }");
        TinyModel.SingleDiagnostic(source, DiagnosticIds.SkipMismatch);
    }
}
