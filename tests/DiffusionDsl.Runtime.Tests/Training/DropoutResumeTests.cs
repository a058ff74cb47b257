using System;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Runtime.Training;
using DiffusionDsl.Tests.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Training;

public sealed class DropoutResumeTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();
    public void Dispose() => _scratch.Dispose();

    private static readonly VpSchedule Vp = new(betaMin: 0.1, betaMax: 20.0);

    private TrainOptions Options(string run, int steps) => new()
    {
        BatchSize = 8, LearningRate = 2e-3, EmaDecay = 0.9, Steps = steps, Seed = 5, CheckpointEvery = 0,
        StageSampling = StageSampling.Mixed, OutputDirectory = Path.Combine(_scratch.Path, run), ModelHash = "dropout", Device = "cpu",
    };

    // Seeding before building puts torch's global generator somewhere else for each seed.
    private static SmallUNet Model(long seed)
    {
        random.manual_seed(seed);
        return new SmallUNet(SmallUNet.Encoder(dropout: 0.5), Vp);
    }

    [Fact]
    public void AResumedRunWithDropoutIsBitIdenticalToAnUninterruptedOne()
    {
        var straight = Model(seed: 0);
        using var whole = new MultistageTrainer(straight, Vp, PredictionTarget.Eps, Options("whole", 6));
        var wholeResult = whole.Train(TinyData.Source());

        string halfway;
        using (var first = new MultistageTrainer(Model(seed: 0), Vp, PredictionTarget.Eps, Options("halves", 3)))
            halfway = first.Train(TinyData.Source()).LastCheckpoint!;

        var resumedModel = Model(seed: 77);
        using var resumed = new MultistageTrainer(resumedModel, Vp, PredictionTarget.Eps, Options("halves", 6) with { ResumeFrom = halfway });
        var resumedResult = resumed.Train(TinyData.Source());

        Assert.Equal(6, resumedResult.Step);
        Assert.Equal(wholeResult.LastLoss, resumedResult.LastLoss);
        foreach (var ((name, a), (_, b)) in straight.named_parameters().Zip(resumedModel.named_parameters()))
            Assert.True(a.Equals(b), $"weight {name} differs by {(a - b).abs().max().item<float>()}");
        foreach (var ((name, a), (_, b)) in whole.Ema.State.Zip(resumed.Ema.State))
            Assert.True(a.Equals(b), $"EMA {name} differs by {(a - b).abs().max().item<float>()}");
    }
}
