using System;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Data;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Runtime.Training;
using DiffusionDsl.Tests.Shared;

namespace DiffusionDsl.Runtime.Tests.Training;

public sealed class DataOrderResumeTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();
    public void Dispose() => _scratch.Dispose();

    private static readonly VpSchedule Vp = new();

    private TrainOptions Options(string run, int steps) => new()
    {
        BatchSize = 8, LearningRate = 1e-2, EmaDecay = 0.9, Steps = steps, Seed = 3, CheckpointEvery = 0,
        StageSampling = StageSampling.Mixed, OutputDirectory = Path.Combine(_scratch.Path, run), ModelHash = "order", Device = "cpu",
    };

    private static TinyMultistageModel Model() => new(Vp, TinyMultistageModel.ThreeStages(), hidden: 8);

    // 20 images in batches of 8: the checkpoint after 3 steps falls inside the second epoch's order.
    private static ImageDataset Data() => new(TinyData.Images(20, seed: 4), new DatasetOptions { HorizontalFlip = true });

    [Fact]
    public void AResumedRunContinuesTheEpochsShuffledOrder()
    {
        var straight = Model();
        using var whole = new MultistageTrainer(straight, Vp, PredictionTarget.Eps, Options("whole", 6));
        using var wholeData = Data();
        var wholeResult = whole.Train(wholeData);

        string halfway;
        using (var first = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, Options("halves", 3)))
        using (var firstData = Data())
            halfway = first.Train(firstData).LastCheckpoint!;
        var resumedModel = Model();
        using var resumed = new MultistageTrainer(resumedModel, Vp, PredictionTarget.Eps, Options("halves", 6) with { ResumeFrom = halfway });
        using var resumedData = Data();
        var resumedResult = resumed.Train(resumedData);

        Assert.Equal(wholeResult.LastLoss, resumedResult.LastLoss);
        foreach (var ((name, a), (_, b)) in straight.Module.named_parameters().Zip(resumedModel.Module.named_parameters()))
            Assert.True(a.Equals(b), $"weight {name} differs by {(a - b).abs().max().item<float>()}");
    }

    [Fact]
    public void APositionSavedForOtherDataIsIgnored()
    {
        using var saved = Data();
        saved.NextBatch(8, null);
        using var other = new ImageDataset(TinyData.Images(30, seed: 4));
        other.LoadState(saved.SaveState());
        Assert.Equal(new long[] { 30, 1, 8, 8 }, other.NextBatch(30, null).shape);
    }
}
