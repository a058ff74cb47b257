using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Staging;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Runtime.Training;
using DiffusionDsl.Tests.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Training;

/// <summary>Images seen per stage and training GFLOPs (GFLOPs per image of the stage x samples x 3), step by step.</summary>
public sealed class TrainingComputeTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();
    public void Dispose() => _scratch.Dispose();

    private static readonly VpSchedule Vp = new();

    // Binary fractions: every sum below is exact, so the accounting is checked with ==.
    private static readonly ModelCostTable Cost = new(100, new[]
    {
        new StageCost("data", 10, 110, 0.5), new StageCost("middle", 10, 110, 0.25), new StageCost("noise", 10, 110, 0.125),
    });

    private static double Expected(IReadOnlyList<long> samples) => 3 * (0.5 * samples[0] + 0.25 * samples[1] + 0.125 * samples[2]);

    /// <summary>Tallies the stage of every time the network is trained at, independently of the trainer's own counts.</summary>
    private sealed class StageRecorder : IMultistageModel
    {
        private readonly TinyMultistageModel _inner;
        public StageRecorder(TinyMultistageModel inner) => _inner = inner;
        public long[] Seen { get; } = new long[3];
        public StageTable Stages => _inner.Stages;
        public nn.Module Module => _inner.Module;
        public ModelCostTable? Cost => _inner.Cost;

        public Tensor Predict(Tensor x, Tensor t)
        {
            var counts = Stages.StageOf(t).cpu().bincount(null, Stages.Count).data<long>().ToArray();
            for (int k = 0; k < counts.Length; k++) Seen[k] += counts[k];
            return _inner.Predict(x, t);
        }
    }

    private TrainOptions Options(StageSampling policy, int steps = 12) => new()
    {
        BatchSize = 6, LearningRate = 2e-3, Steps = steps, Seed = 7, StageSampling = policy, CheckpointEvery = 0,
        OutputDirectory = Path.Combine(_scratch.Path, policy.ToString()),
    };

    [Theory]
    [InlineData(StageSampling.UniformStage)]
    [InlineData(StageSampling.ScheduleProportional)]
    public void OneStagePerBatchCountsTheBatchInItsStage(StageSampling policy)
    {
        var model = new TinyMultistageModel(Vp, TinyMultistageModel.ThreeStages()) { Cost = Cost };
        using var trainer = new MultistageTrainer(model, Vp, PredictionTarget.Eps, Options(policy));
        var expected = new long[3];
        trainer.StepCompleted += info =>
        {
            // Such a batch lies in one stage: the one with a loss.
            int stage = Assert.Single(Enumerable.Range(0, 3), k => !double.IsNaN(info.StageLosses[k]));
            expected[stage] += 6;
            Assert.Equal(expected, info.StageSamples);
            Assert.Equal(info.Step * 6, info.ImagesSeen);
            Assert.Equal(Expected(expected), info.TrainGFlops);
        };
        trainer.Train(TinyData.Source());
        Assert.True(expected.Count(n => n > 0) >= 2, $"the schedule visited one stage only: {string.Join(", ", expected)}");
        Assert.Equal(expected, trainer.StageSamples);
        Assert.Equal(12 * 6, trainer.ImagesSeen);
        Assert.Equal(Expected(expected), trainer.TrainGFlops);
    }

    [Fact]
    public void MixedBatchesCountEverySampleInTheStageItTrainedIn()
    {
        var recorder = new StageRecorder(new TinyMultistageModel(Vp, TinyMultistageModel.ThreeStages()) { Cost = Cost });
        using var trainer = new MultistageTrainer(recorder, Vp, PredictionTarget.Eps, Options(StageSampling.Mixed) with { GradAccumulation = 2 });
        trainer.Train(TinyData.Source());
        Assert.All(recorder.Seen, n => Assert.True(n > 0));
        Assert.Equal(recorder.Seen, trainer.StageSamples);
        Assert.Equal(12 * 6, trainer.ImagesSeen);
        Assert.Equal(Expected(recorder.Seen), trainer.TrainGFlops);
    }

    [Fact]
    public void AModelWithoutACostTableHasNoTrainingGFlops()
    {
        using var trainer = new MultistageTrainer(new TinyMultistageModel(Vp, TinyMultistageModel.ThreeStages()), Vp, PredictionTarget.Eps,
                                                  Options(StageSampling.Mixed, steps: 2));
        double? reported = 0;
        trainer.StepCompleted += info => reported = info.TrainGFlops;
        trainer.Train(TinyData.Source());
        Assert.Null(reported);
        Assert.Null(trainer.TrainGFlops);
        Assert.Equal(2 * 6, trainer.ImagesSeen);
    }

    [Fact]
    public void ACostTableForOtherStagesIsRefused()
    {
        var twoStages = new ModelCostTable(1, new[] { new StageCost("a", 1, 2, 1), new StageCost("b", 1, 2, 1) });
        var model = new TinyMultistageModel(Vp, TinyMultistageModel.ThreeStages()) { Cost = twoStages };
        var error = Assert.Throws<ArgumentException>(() => new MultistageTrainer(model, Vp, PredictionTarget.Eps, Options(StageSampling.Mixed)));
        Assert.Contains("2 stages but the model has 3", error.Message);
    }

    [Fact]
    public void ResumingKeepsTheCountsOfTheStepsBefore()
    {
        var whole = new long[3];
        using (var trainer = new MultistageTrainer(new TinyMultistageModel(Vp, TinyMultistageModel.ThreeStages()) { Cost = Cost }, Vp, PredictionTarget.Eps,
                   Options(StageSampling.UniformStage, steps: 10) with { CheckpointEvery = 5, OutputDirectory = Path.Combine(_scratch.Path, "whole") }))
        {
            long[]? atFive = null;
            trainer.StepCompleted += info => { if (info.Step == 5) atFive = info.StageSamples!.ToArray(); };
            trainer.Train(TinyData.Source());
            whole = trainer.StageSamples.ToArray();
            // Each count is a multiple of the batch (6), so not the even split (10, 10, 10) that a checkpoint without
            // counts falls back on: the counts below come from the checkpoint.

            using var resumed = new MultistageTrainer(new TinyMultistageModel(Vp, TinyMultistageModel.ThreeStages()) { Cost = Cost }, Vp, PredictionTarget.Eps,
                                                      Options(StageSampling.UniformStage, steps: 10) with { OutputDirectory = Path.Combine(_scratch.Path, "whole") });
            resumed.LoadCheckpoint(resumed.Checkpoints.FileFor(5));
            Assert.Equal(atFive, resumed.StageSamples);
            Assert.Equal(5 * 6, resumed.ImagesSeen);
            resumed.Train(TinyData.Source());
            Assert.Equal(whole, resumed.StageSamples);
            Assert.Equal(Expected(whole), resumed.TrainGFlops);
        }
    }

    [Fact]
    public void TheSumIsGFlopsPerImageTimesSamplesTimesThree()
    {
        Assert.Equal(3 * (0.5 * 4 + 0.25 * 0 + 0.125 * 8), TrainingCompute.GFlops(Cost, new long[] { 4, 0, 8 }));
        Assert.Throws<ArgumentException>(() => TrainingCompute.GFlops(Cost, new long[] { 1, 2 }));
    }
}
