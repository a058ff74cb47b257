using DiffusionDsl.Language.Diagnostics;

namespace DiffusionDsl.Language.Tests;

/// <summary>
/// The train section's `flip true|false`: score_sde's random_flip, which the reference's CIFAR-10 DPM-Solver configs
/// turn on. It reaches the train spec (and from there the generated TrainOptions.HorizontalFlip and train.py's default).
/// </summary>
public class FlipSettingTests
{
    [Theory]
    [InlineData("flip true", true)]
    [InlineData("flip false", false)]
    [InlineData("steps 10", false)]
    public void TheFlipReachesTheTrainSpec(string train, bool expected)
    {
        var compilation = MsdCompiler.CompileUnguarded(TinyModel.With(train: train));
        Assert.Empty(compilation.Diagnostics);
        Assert.Equal(expected, compilation.Model!.Train.Flip);
    }

    [Fact]
    public void AValueOtherThanTrueOrFalseIsAnErrorAtTheValue()
    {
        var error = TinyModel.SingleDiagnostic(TinyModel.With(train: "flip ⟦yes⟧"), DiagnosticIds.UnknownOption);
        Assert.Contains("Unknown flip 'yes'", error.Message);
    }

    [Fact]
    public void TwoValuesAreAnError() =>
        Assert.Single(MsdCompiler.CompileUnguarded(TinyModel.With(train: "flip true false")).Diagnostics);

    [Fact]
    public void ModelsThatDifferOnlyInTheFlipAreNotEqual()
    {
        // The incremental generator re-emits only for a spec that is not equal to the last one: the flip must count.
        var plain = MsdCompiler.CompileUnguarded(TinyModel.With(train: "flip false")).Model!;
        var flipped = MsdCompiler.CompileUnguarded(TinyModel.With(train: "flip true")).Model!;
        Assert.NotEqual(plain, flipped);
    }
}
