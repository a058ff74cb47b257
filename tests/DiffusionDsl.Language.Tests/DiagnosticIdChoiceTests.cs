using DiffusionDsl.Language.Diagnostics;

namespace DiffusionDsl.Language.Tests;

/// <summary>A value that is positive but too large, or positive but odd, is not reported as "Not positive" (MSD0035).</summary>
public class DiagnosticIdChoiceTests
{
    [Theory]
    [InlineData("image ⟦1x8192x8192⟧", DiagnosticIds.ValueOutOfRange)]
    [InlineData("image ⟦0x8x8⟧", DiagnosticIds.NotPositive)]
    public void AnImageSizeTooLargeIsOutOfRangeAndZeroIsNotPositive(string image, string id) =>
        TinyModel.SingleDiagnostic(TinyModel.With().Replace("image 1x8x8", image), id);

    [Theory]
    [InlineData("embedding positional ⟦7⟧", DiagnosticIds.WrongValue)]
    [InlineData("embedding positional ⟦0⟧", DiagnosticIds.NotPositive)]
    public void AnOddEmbeddingWidthIsTheWrongValue(string embedding, string id)
    {
        var error = TinyModel.SingleDiagnostic(TinyModel.With(encoder: embedding), id);
        Assert.Equal("The embedding width must be a positive even number", error.Message);
    }
}
