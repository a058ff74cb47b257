using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Runtime.Training;

namespace DiffusionDsl.Language.Tests;

/// <summary>
/// The train section's `precision auto|fp32|bf16`: the arithmetic of the forward pass (EDM's reference trains in float32
/// with TF32 off). It reaches the train spec, and from there the generated TrainOptions.Precision and train.py's --bf16.
/// </summary>
public class PrecisionSettingTests
{
    [Theory]
    [InlineData("precision fp32", MixedPrecision.Float32)]
    [InlineData("precision bf16", MixedPrecision.BFloat16)]
    [InlineData("precision auto", MixedPrecision.Auto)]
    [InlineData("steps 10", MixedPrecision.Auto)]
    public void ThePrecisionReachesTheTrainSpec(string train, MixedPrecision expected)
    {
        var compilation = MsdCompiler.CompileUnguarded(TinyModel.With(train: train));
        Assert.Empty(compilation.Diagnostics);
        Assert.Equal(expected, compilation.Model!.Train.Precision);
    }

    [Theory]
    [InlineData("double", "expected one of: auto, fp32, bf16")]
    [InlineData("fp16", "did you mean 'bf16'?")] // the autocast the runtime offers is bf16's, not float16's
    [InlineData("float32", "did you mean 'fp32'?")]
    public void AnUnknownPrecisionIsAnErrorAtTheValue(string value, string hint)
    {
        var error = TinyModel.SingleDiagnostic(TinyModel.With(train: $"precision ⟦{value}⟧"), DiagnosticIds.UnknownOption);
        Assert.Contains($"Unknown precision '{value}'; {hint}", error.Message);
    }

    [Fact]
    public void PyTorchsNameForItPointsToPrecision() =>
        Assert.Contains("did you mean 'precision'?", TinyModel.SingleDiagnostic(TinyModel.With(train: "⟦dtype⟧ fp32"), DiagnosticIds.UnknownKeyword).Message);

    [Fact]
    public void TwoValuesAreAnError() =>
        Assert.Single(MsdCompiler.CompileUnguarded(TinyModel.With(train: "precision fp32 bf16")).Diagnostics);

    [Fact]
    public void ModelsThatDifferOnlyInThePrecisionAreNotEqual()
    {
        var auto = MsdCompiler.CompileUnguarded(TinyModel.With(train: "precision auto")).Model!;
        var fp32 = MsdCompiler.CompileUnguarded(TinyModel.With(train: "precision fp32")).Model!;
        Assert.NotEqual(auto, fp32);
    }

    [Fact]
    public void ThePapersCifar10ExampleTrainsInFloat32() =>
        Assert.Equal(MixedPrecision.Float32, MsdCompiler.Compile(System.IO.File.ReadAllText(
            System.IO.Path.Combine(System.AppContext.BaseDirectory, "Models", "Cifar10Multistage.msd"))).Model!.Train.Precision);
}
