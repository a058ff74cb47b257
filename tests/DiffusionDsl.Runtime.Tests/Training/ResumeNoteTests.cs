using System;
using System.Collections.Generic;
using System.IO;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Runtime.Training;
using DiffusionDsl.Tests.Shared;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Training;

/// <summary>
/// Checkpoints keep the clip and EMA their run trained with, so a resumed run that goes on with others says so: the .msd's
/// defaults for them follow the schedule, and a default that changes between versions must not pass unnoticed.
/// </summary>
public sealed class ResumeNoteTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();
    public void Dispose() => _scratch.Dispose();

    private TrainOptions Options(string run) => new()
    {
        BatchSize = 4, Steps = 2, CheckpointEvery = 2, Seed = 1, EmaDecay = 0.999, EmaWarmupSteps = TrainDefaults.EmaWarmupAlways,
        OutputDirectory = Path.Combine(_scratch.Path, run),
    };

    /// <summary>The checkpoint a 2-step run in <paramref name="run"/> ends with.</summary>
    private string FirstRunsCheckpoint(string run)
    {
        random.manual_seed(2);
        using var model = new SmallUNet(SmallUNet.Encoder());
        using var trainer = new MultistageTrainer(model, model.Schedule, PredictionTarget.Eps, Options(run));
        return trainer.Train(TinyData.Source()).LastCheckpoint!;
    }

    private List<string> ResumeNotes(TrainOptions options, string checkpoint, IBatchSource? data = null)
    {
        var notes = new List<string>();
        random.manual_seed(2);
        using var model = new SmallUNet(SmallUNet.Encoder());
        using var trainer = new MultistageTrainer(model, model.Schedule, PredictionTarget.Eps, options with { Steps = 3, ResumeFrom = checkpoint });
        trainer.Note += notes.Add;
        trainer.Train(data ?? TinyData.Source());
        return notes;
    }

    /// <summary>Checkpoints keep which images their run trained on: a run resumed on others says so (a reviewer's finding).</summary>
    [Fact]
    public void AResumedRunOnOtherDataSaysSo()
    {
        var checkpoint = FirstRunsCheckpoint("data");
        Assert.Empty(ResumeNotes(Options("same-data"), checkpoint, TinyData.Source()));
        var other = TinyData.Source(count: 32);
        var note = Assert.Single(ResumeNotes(Options("other-data"), checkpoint, other));
        Assert.Equal($"step-00000002.ckpt was trained on {TinyData.Source().Fingerprint}; this run goes on with {other.Fingerprint} " +
                     "(give the run's own data, and --limit, to continue it exactly).", note);
        Assert.Matches(@"^32 images 1x8x8, sha256 [0-9a-f]{12}$", other.Fingerprint);
    }

    [Fact]
    public void AResumedRunWithAnotherClipOrEmaSaysSo()
    {
        var checkpoint = FirstRunsCheckpoint("first");
        Assert.Empty(ResumeNotes(Options("same"), checkpoint));
        var notes = ResumeNotes(Options("changed") with { GradClip = 0, EmaHalfLifeKimg = 500, EmaDecay = TrainDefaults.Ema, EmaWarmupSteps = 0 }, checkpoint);
        Assert.Equal(new[]
        {
            "step-00000002.ckpt was trained with clip 1, EMA 0.999 (warm-up every step); this run goes on with no clip, EMA half-life 500 kimg (ramp-up 0.05).",
        }, notes);
        // Another seed still trains, but not as the uninterrupted run would have: said too.
        Assert.Equal(new[]
        {
            "step-00000002.ckpt was trained with seed 1; this run goes on with seed 7 (give the run's own seed, e.g. msd train --seed, to continue it exactly).",
        }, ResumeNotes(Options("seed") with { Seed = 7 }, checkpoint));
        // And another arithmetic (the .msd's precision, msd train --precision): auto is the one older checkpoints recorded.
        Assert.Equal(new[]
        {
            "step-00000002.ckpt was trained with clip 1, EMA 0.999 (warm-up every step); this run goes on with clip 1, EMA 0.999 (warm-up every step), precision fp32.",
        }, ResumeNotes(Options("fp32") with { Precision = MixedPrecision.Float32 }, checkpoint));
    }

    /// <summary>Another batch or learning rate trains on, but not as the uninterrupted run would have: said (train.py says it too).</summary>
    [Fact]
    public void AResumedRunWithAnotherBatchOrLearningRateSaysSo()
    {
        var checkpoint = FirstRunsCheckpoint("batch");
        Assert.Equal(new[]
        {
            "step-00000002.ckpt was trained with batch 4, lr 0.0002; this run goes on with batch 8 (accumulate 2), lr 0.001 " +
            "(give the run's own, with msd train --batch and --lr or the .msd's accumulate, to continue it exactly).",
        }, ResumeNotes(Options("other-batch") with { BatchSize = 8, GradAccumulation = 2, LearningRate = 1e-3 }, checkpoint));
    }
}
