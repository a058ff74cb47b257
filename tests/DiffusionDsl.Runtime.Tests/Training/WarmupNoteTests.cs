using System;
using System.Collections.Generic;
using System.IO;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Runtime.Training;
using DiffusionDsl.Tests.Shared;

namespace DiffusionDsl.Runtime.Tests.Training;

/// <summary>A run whose steps end before its learning-rate warm-up (msd train --steps under the paper's 10 Mimg ramp) says so.</summary>
public sealed class WarmupNoteTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();
    public void Dispose() => _scratch.Dispose();

    private List<string> NotesOf(TrainOptions options)
    {
        var model = new TinyMultistageModel(new VpSchedule(), TinyMultistageModel.ThreeStages(), hidden: 8);
        using var trainer = new MultistageTrainer(model, new VpSchedule(), PredictionTarget.Eps, options with
        {
            BatchSize = 4, Steps = 2, CheckpointEvery = 0, OutputDirectory = Path.Combine(_scratch.Path, Guid.NewGuid().ToString("N")),
            ModelHash = "warmup", Device = "cpu",
        });
        var notes = new List<string>();
        trainer.Note += notes.Add;
        trainer.Train(TinyData.Source(8));
        return notes;
    }

    [Fact]
    public void AWarmupLongerThanTheRunIsNoted()
    {
        Assert.Equal(new[] { "the learning-rate warm-up (warmup 10) lasts 10 steps, longer than the run's 2: the last step's rate is 10.0% of lr." },
                     NotesOf(new TrainOptions { WarmupSteps = 10 }));
        Assert.Equal(new[] { "the learning-rate warm-up (warmup_kimg 0.04 at batch 4) lasts 10 steps, longer than the run's 2: the last step's rate is 10.0% of lr." },
                     NotesOf(new TrainOptions { WarmupKimg = 0.04 }));
    }

    [Fact]
    public void AWarmupWithinTheRunIsNot() => Assert.Empty(NotesOf(new TrainOptions { WarmupSteps = 2 }));
}
