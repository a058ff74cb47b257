using System.IO;
using System.Linq;
using DiffusionDsl.Language.Diagnostics;

namespace DiffusionDsl.Language.Tests;

/// <summary>The train section's `augment p` (EDM's augmentation probability) and the encoder's `augment N` input.</summary>
public class AugmentationDiagnosticTests
{

    private static string With(string encoder, string train) => TinyModel.With(encoder, train);

    private static MsdDiagnostic Single(string marked, string id) => TinyModel.SingleDiagnostic(marked, id);

    [Fact]
    public void TheProbabilityReachesTheTrainSpec()
    {
        var compilation = MsdCompiler.CompileUnguarded(With("augment 9", "augment 0.12"));
        Assert.Empty(compilation.Diagnostics);
        Assert.Equal(0.12, compilation.Model!.Train.Augment);
        Assert.Equal(9, compilation.Model.Encoder.AugmentDim);
    }

    [Fact]
    public void WithoutTheSettingTheProbabilityIsZero() =>
        Assert.Equal(0, MsdCompiler.CompileUnguarded(With("", "lr 1e-3")).Model!.Train.Augment);

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    public void AProbabilityOutsideZeroToOneIsOutOfRange(string p)
    {
        var diagnostic = Single(With("augment 9", $"augment ⟦{p}⟧"), DiagnosticIds.ValueOutOfRange);
        Assert.Equal($"m.msd(16,28): error MSD0040: augment (the augmentation probability) must be in [0, 1], not {p}", diagnostic.Format("m.msd"));
    }

    [Fact]
    public void AugmentingWithoutTheEncodersLabelInputIsAnError()
    {
        var diagnostic = Single(With("", "augment ⟦0.12⟧"), DiagnosticIds.IncompatibleSettings);
        Assert.Equal((16, 28), (diagnostic.Start.Line + 1, diagnostic.Start.Character + 1));
        Assert.Contains("add 'augment 9' to the encoder", diagnostic.Message);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(12)]
    public void AugmentingNeedsExactlyNineLabels(int dim)
    {
        var diagnostic = Single(With($"augment ⟦{dim}⟧", "augment 0.12"), DiagnosticIds.IncompatibleSettings);
        Assert.Equal((12, 13), (diagnostic.Start.Line + 1, diagnostic.Start.Character + 1));
        Assert.Contains($"needs 'augment 9', not 'augment {dim}'", diagnostic.Message);
    }

    [Theory]
    [InlineData("lr 1e-3")]
    [InlineData("augment 0")]
    public void ALabelInputThatNothingFeedsIsAWarning(string train)
    {
        var diagnostic = Single(With("augment ⟦9⟧", train), DiagnosticIds.AugmentLabelsUnused);
        Assert.False(diagnostic.IsError);
        Assert.Contains("train { augment 0.12 }", diagnostic.Message);
    }

    [Fact]
    public void TheWarningAlsoComesWithoutATrainSection()
    {
        var text = With("augment ⟦9⟧", "").Replace("  train { batch 8;  }\n", "");
        Single(text, DiagnosticIds.AugmentLabelsUnused);
    }

    [Fact]
    public void ThePapersCifar10ModelAugmentsLikeThePaper()
    {
        var compilation = MsdCompiler.CompileUnguarded(File.ReadAllText(Path.Combine("Models", "Cifar10Multistage.msd")));
        Assert.Empty(compilation.Diagnostics);
        Assert.Equal(0.12, compilation.Model!.Train.Augment);
        Assert.Equal(9, compilation.Model.Encoder.AugmentDim);
    }
}
