using DiffusionDsl.Language.Diagnostics;

namespace DiffusionDsl.Language.Tests;

/// <summary>
/// A learning-rate warm-up longer than the run (MSD0052): the rate never reaches lr. The paper's CIFAR-10 example once
/// trained 1,000 steps (the default) under EDM's 10 Mimg ramp, 78,125 steps at batch 128: the rate ended at 1.3% of lr.
/// </summary>
public class WarmupLengthTests
{
    [Theory]
    [InlineData("warmup 50")]
    [InlineData("steps 100; warmup 100")]
    [InlineData("steps 2000; warmup_kimg 16")]
    public void AWarmupThatEndsWithinTheRunIsQuiet(string train) =>
        Assert.Empty(MsdCompiler.CompileUnguarded(TinyModel.With(train: train)).Diagnostics);

    [Fact]
    public void AWarmupInStepsLongerThanTheRunIsAWarningAtItsValue()
    {
        var warning = TinyModel.SingleDiagnostic(TinyModel.With(train: "steps 100; warmup ⟦300⟧"), DiagnosticIds.WarmupOutlastsRun);
        Assert.False(warning.IsError);
        Assert.Equal("The learning-rate warm-up (warmup 300) lasts 300 steps, longer than the run's 100: the last step's rate is 33.0% of lr. " +
                     "Write more `steps`, or a shorter warm-up", warning.Message);
    }

    [Fact]
    public void AWarmupInImagesCountsTheBatchAndTheDefaultStepsAreNamed()
    {
        // batch 8 (TinyModel's train section): 10 kimg is 1,250 steps, past the default 1,000.
        var warning = TinyModel.SingleDiagnostic(TinyModel.With(train: "warmup_kimg ⟦10⟧"), DiagnosticIds.WarmupOutlastsRun);
        Assert.Equal("The learning-rate warm-up (warmup_kimg 10 at batch 8) lasts 1,250 steps, longer than the run's 1,000: the last step's " +
                     "rate is 79.9% of lr; the train section writes no `steps`, so the run has the default 1000. Write more `steps`, or a shorter warm-up",
                     warning.Message);
    }

    [Fact]
    public void ThePapersCifarExampleTrainsPastItsWarmup()
    {
        var source = System.IO.File.ReadAllText(System.IO.Path.Combine(System.AppContext.BaseDirectory, "Models", "Cifar10Multistage.msd"));
        var compilation = MsdCompiler.CompileUnguarded(source);
        Assert.Empty(compilation.Diagnostics);
        Assert.Equal(1_562_500, compilation.Model!.Train.Steps);
        Assert.Single(MsdCompiler.CompileUnguarded(source.Replace("    steps 1562500  # 200 Mimg / 128\n", "")).Diagnostics,
                      d => d.Id == DiagnosticIds.WarmupOutlastsRun);
    }
}
