using System;
using System.IO;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Runtime.Training;
using DiffusionDsl.Tests.Shared;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Training;

/// <summary>
/// Options set from C# (`Defaults with { ... }`) are held to the ranges the compiler holds the .msd to, and data of
/// another shape is refused before the first step: each error names the option (or the shapes), not a symptom later.
/// </summary>
public sealed class OptionChecksTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();
    public void Dispose() => _scratch.Dispose();

    private TrainOptions Valid => new() { BatchSize = 4, Steps = 2, CheckpointEvery = 0, OutputDirectory = Path.Combine(_scratch.Path, "run") };

    [Theory]
    [InlineData("EmaDecay", "ema")]
    [InlineData("WarmupSteps", "warmup")]
    [InlineData("KeepCheckpoints", "keep")]
    [InlineData("Steps", "steps")]
    [InlineData("LearningRate", "lr")]
    [InlineData("WeightDecay", "weight_decay")]
    [InlineData("GradClip", "clip")]
    [InlineData("LogEvery", "log_every")]
    [InlineData("EvalCount", "eval_count")]
    [InlineData("CheckpointEvery", "checkpoint_every")]
    [InlineData("EmaHalfLifeKimg", "ema_halflife_kimg")]
    [InlineData("EmaRampUp", "ema_rampup")]
    [InlineData("WarmupKimg", "warmup_kimg")]
    [InlineData("StageGroups", "stage_groups")]
    public void AnOptionOutsideTheMsdsRangeIsRefusedByName(string option, string setting)
    {
        var options = option switch
        {
            "EmaDecay" => Valid with { EmaDecay = 1.5 },
            "WarmupSteps" => Valid with { WarmupSteps = -1 },
            "KeepCheckpoints" => Valid with { KeepCheckpoints = 0 },
            "Steps" => Valid with { Steps = -5 },
            "LearningRate" => Valid with { LearningRate = double.NaN },
            "WeightDecay" => Valid with { WeightDecay = -0.1 },
            "GradClip" => Valid with { GradClip = -1 },
            "LogEvery" => Valid with { LogEvery = -1 },
            "EvalCount" => Valid with { EvalEvery = 10, EvalCount = 1 }, // checked only when evaluations run
            "EmaHalfLifeKimg" => Valid with { EmaHalfLifeKimg = 0 },
            "EmaRampUp" => Valid with { EmaRampUp = 1.5 },
            "WarmupKimg" => Valid with { WarmupKimg = -1 },
            "StageGroups" => Valid with { StageGroups = 0 },
            _ => Valid with { CheckpointEvery = -1 },
        };
        using var model = new SmallUNet();
        var error = Assert.Throws<ArgumentException>(() => new MultistageTrainer(model, model.Schedule, PredictionTarget.Eps, options));
        Assert.StartsWith(option + " must be", error.Message);
        Assert.Contains($"the .msd's train {setting}", error.Message);
        Assert.False(Directory.Exists(options.OutputDirectory));
    }

    [Fact]
    public void DataOfAnotherShapeIsRefusedNamingBothShapes()
    {
        using var model = new SmallUNet();
        using var trainer = new MultistageTrainer(model, model.Schedule, PredictionTarget.Eps, Valid);
        var error = Assert.Throws<ArgumentException>(() => trainer.Train(new TensorBatchSource(zeros(8, 1, 28, 28))));
        Assert.Contains("The data's images are 1x28x28, but SmallUNet takes 1x8x8", error.Message);
        Assert.Equal(0, trainer.Step);
        Assert.Equal(2, trainer.Train(TinyData.Source()).Step); // the right shape trains
    }

    /// <summary>A per-step setting beside the per-image one that overrules it is refused, not silently ignored.</summary>
    [Theory]
    [InlineData("EmaDecay", "EmaHalfLifeKimg")]
    [InlineData("EmaWarmupSteps", "EmaHalfLifeKimg")]
    [InlineData("WarmupSteps", "WarmupKimg")]
    public void AnOptionThatTheOtherWayOverrulesIsRefused(string option, string winner)
    {
        var options = option switch
        {
            "EmaDecay" => Valid with { EmaHalfLifeKimg = 500, EmaDecay = 0.999 },
            "EmaWarmupSteps" => Valid with { EmaHalfLifeKimg = 500, EmaWarmupSteps = 100 },
            _ => Valid with { WarmupKimg = 10_000, WarmupSteps = 50 },
        };
        using var model = new SmallUNet();
        var error = Assert.Throws<ArgumentException>(() => new MultistageTrainer(model, model.Schedule, PredictionTarget.Eps, options));
        Assert.StartsWith($"{option} (", error.Message);
        Assert.Contains($"is not used when {winner} is set", error.Message);
        // At their defaults they are allowed: the generated defaults of an .msd with the per-image setting hold them.
        using var trainer = new MultistageTrainer(model, model.Schedule, PredictionTarget.Eps, Valid with { EmaHalfLifeKimg = 500, WarmupKimg = 10 });
        // So is the .msd's default warm-up of a fixed decay (every update), which a generated model's defaults switched
        // to the half-life from C# still carry.
        using var switched = new MultistageTrainer(model, model.Schedule, PredictionTarget.Eps,
                                                   Valid with { EmaWarmupSteps = TrainDefaults.EmaWarmupAlways, EmaHalfLifeKimg = 500 });
    }

    /// <summary>StageGroups splits the batch into equal groups, each drawing one stage: it must divide the batch, and means nothing under Mixed.</summary>
    [Fact]
    public void StageGroupsThatCannotSplitTheBatchAreRefused()
    {
        using var model = new SmallUNet();
        var error = Assert.Throws<ArgumentException>(() => new MultistageTrainer(model, model.Schedule, PredictionTarget.Eps, Valid with { StageGroups = 3 }));
        Assert.StartsWith("StageGroups (3) must divide BatchSize (4)", error.Message);
        error = Assert.Throws<ArgumentException>(() => new MultistageTrainer(model, model.Schedule, PredictionTarget.Eps,
                                                                             Valid with { StageGroups = 2, StageSampling = StageSampling.Mixed }));
        Assert.Contains("under StageSampling.Mixed every sample draws its own", error.Message);
        using var trainer = new MultistageTrainer(model, model.Schedule, PredictionTarget.Eps, Valid with { StageGroups = 4 });
        Assert.Equal(2, trainer.Train(TinyData.Source()).Step);
    }

    [Fact]
    public void SamplerOptionsOutsideTheirRangeAreRefusedByName()
    {
        using var model = new SmallUNet();
        foreach (var (options, name) in new[]
                 {
                     (new SampleOptions { Steps = 0 }, "Steps"), (new SampleOptions { Count = 0 }, "Count"),
                     (new SampleOptions { BatchSize = 0 }, "BatchSize"), (new SampleOptions { Eta = 2 }, "Eta"),
                 })
        {
            var error = Assert.Throws<ArgumentException>(() => new MultistageSampler(model, model.Schedule, PredictionTarget.Eps, options));
            Assert.StartsWith(name, error.Message);
        }
        var sampler = new MultistageSampler(model, model.Schedule, PredictionTarget.Eps, new SampleOptions { Steps = 2 });
        Assert.Contains("at least 1 image", Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Sample(0, 1, 8, 8)).Message);
    }
}
