using System;
using System.IO;
using System.Linq;
using System.Threading;
using DiffusionDsl.Runtime.Checkpoints;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Runtime.Training;
using DiffusionDsl.Tests.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Training;

public sealed class TrainerTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();
    public void Dispose() => _scratch.Dispose();

    private static readonly VpSchedule Vp = new(betaMin: 0.1, betaMax: 20.0);

    private TrainOptions Options(string run, int steps) => new()
    {
        BatchSize = 16, LearningRate = 2e-3, WarmupSteps = 5, GradClip = 1.0, EmaDecay = 0.99, EmaWarmupSteps = 10,
        Steps = steps, Seed = 42, CheckpointEvery = 4, KeepCheckpoints = 2, StageSampling = StageSampling.Mixed,
        OutputDirectory = Path.Combine(_scratch.Path, run), ModelHash = "tiny-v1",
    };

    private static TinyMultistageModel Model(long seed = 0, int hidden = 16) => new(Vp, TinyMultistageModel.ThreeStages(), hidden: hidden, seed: seed);

    private static double FixedEvaluationLoss(TinyMultistageModel model)
    {
        using var noGrad = no_grad();
        var g = new Generator(123);
        var x0 = TinyData.Images(128, seed: 9);
        var t = rand(new long[] { 128 }, generator: g) * 0.999 + 0.001;
        var eps = randn(x0.shape, generator: g);
        return DiffusionLoss.PerSample(new Denoiser(model, Vp, PredictionTarget.Eps), x0, t, eps).mean().item<float>();
    }

    [Fact]
    public void TinyModelLossGoesDownWithinSeconds()
    {
        var model = Model();
        double before = FixedEvaluationLoss(model);
        using var trainer = new MultistageTrainer(model, Vp, PredictionTarget.Eps, Options("down", 150) with { CheckpointEvery = 0 });
        var result = trainer.Train(TinyData.Source());
        double after = FixedEvaluationLoss(model);
        Assert.Equal(150, result.Step);
        Assert.True(after < 0.6 * before, $"loss {before:F4} -> {after:F4}");
    }

    [Fact]
    public void KillAndResumeEqualsAnUninterruptedRun()
    {
        var uninterrupted = Model();
        using (var trainer = new MultistageTrainer(uninterrupted, Vp, PredictionTarget.Eps, Options("whole", 12) with { GradAccumulation = 2 }))
            trainer.Train(TinyData.Source());

        var killed = Model();
        var options = Options("killed", 12) with { GradAccumulation = 2 };
        using (var trainer = new MultistageTrainer(killed, Vp, PredictionTarget.Eps, options))
        {
            using var kill = new CancellationTokenSource();
            trainer.StepCompleted += info => { if (info.Step == 7) kill.Cancel(); };
            var partial = trainer.Train(TinyData.Source(), kill.Token);
            Assert.True(partial.Cancelled);
            Assert.Equal(7, partial.Step);
            // Stopped between checkpoints (every 4), it saved its own step: resuming redoes nothing.
            Assert.EndsWith("step-00000007.ckpt", partial.LastCheckpoint);
        }
        // A kill during a write leaves only a temporary file, which resuming ignores.
        File.WriteAllText(Path.Combine(options.OutputDirectory, "checkpoints", "step-00000008.ckpt.tmp"), "half-written");

        var resumed = Model(seed: 99);
        using (var trainer = new MultistageTrainer(resumed, Vp, PredictionTarget.Eps, options with { ResumeFrom = "latest" }))
        {
            var result = trainer.Train(TinyData.Source());
            Assert.Equal(12, result.Step);
        }
        foreach (var ((name, a), (_, b)) in uninterrupted.Module.named_parameters().Zip(resumed.Module.named_parameters()))
            Assert.True(a.allclose(b, rtol: 0, atol: 1e-7), $"{name} differs by {(a - b).abs().max().item<float>()}");
    }

    /// <summary>A report that fails between checkpoints (a full disk writing a preview, say) fails the run, but keeps its steps in a checkpoint.</summary>
    [Fact]
    public void AFailingReportBetweenCheckpointsKeepsTheStepsItWouldHaveLost()
    {
        var options = Options("report", 12);
        using var trainer = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, options);
        trainer.StepCompleted += info => { if (info.Step == 6) throw new IOException("No space left on device"); };

        var error = Assert.Throws<IOException>(() => trainer.Train(TinyData.Source()));
        Assert.Equal("No space left on device", error.Message);
        Assert.EndsWith("step-00000006.ckpt", trainer.LastCheckpoint);
        using var resumed = new MultistageTrainer(Model(seed: 5), Vp, PredictionTarget.Eps, options with { ResumeFrom = "latest" });
        Assert.Equal(12, resumed.Train(TinyData.Source()).Step);
    }

    [Fact]
    public void AResumedRunGoesOnCountingItsTrainingTime()
    {
        var options = Options("timed", 8);
        TimeSpan first;
        using (var trainer = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, options))
        {
            using var stop = new CancellationTokenSource();
            trainer.StepCompleted += info => { if (info.Step == 3) { Thread.Sleep(200); stop.Cancel(); } };
            trainer.Train(TinyData.Source(), stop.Token);
            first = trainer.TrainingTime;
        }
        Assert.True(first >= TimeSpan.FromMilliseconds(200), $"{first}");

        using var resumed = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, options with { ResumeFrom = "latest" });
        TrainStepInfo? firstResumedStep = null;
        resumed.StepCompleted += info => firstResumedStep ??= info;
        resumed.Train(TinyData.Source());
        Assert.Equal(4, firstResumedStep!.Step);
        // The run's time is the first process's, as its checkpoint kept it (the sleep included, the write after it not),
        // plus this process's own clock.
        var kept = firstResumedStep.RunElapsed!.Value - firstResumedStep.Elapsed;
        Assert.InRange(kept, TimeSpan.FromMilliseconds(200), first);
        Assert.True(resumed.TrainingTime > firstResumedStep.RunElapsed);
    }

    [Fact]
    public void WarmupKimgRampsTheOptimizersRateOverTheImagesSeen()
    {
        // 64 images at batch 16: the rate of steps 1..5 is lr x 0, 1/4, 2/4, 3/4, 1 (the step's images before it / 64).
        var options = Options("ramp", 5) with { WarmupSteps = 0, WarmupKimg = 0.064, CheckpointEvery = 0 };
        using var trainer = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, options);
        var rates = new System.Collections.Generic.List<double>();
        trainer.StepCompleted += info => rates.Add(info.LearningRate);
        trainer.Train(TinyData.Source());
        Assert.Equal(new[] { 0, 0.25, 0.5, 0.75, 1 }.Select(f => f * 2e-3), rates, (a, b) => Math.Abs(a - b) < 1e-15);
        Assert.Equal(2e-3, trainer.Optimizer.ParamGroups.First().LearningRate, 15);
    }

    [Fact]
    public void WarmupKimgCountsTheImagesSeenAcrossAResumeAtAnotherBatch()
    {
        var options = Options("ramp-resumed", 2) with { WarmupSteps = 0, WarmupKimg = 0.064, CheckpointEvery = 0 };
        using (var first = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, options))
            first.Train(TinyData.Source()); // 2 steps of 16: 32 images
        using var resumed = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, options with { BatchSize = 8, Steps = 4, ResumeFrom = "latest" });
        var rates = new System.Collections.Generic.List<double>();
        resumed.StepCompleted += info => rates.Add(info.LearningRate);
        resumed.Train(TinyData.Source());
        // EDM's cur_nimg before steps 3 and 4: 32 and 40 images of the 64-image ramp (step x batch would give 16 and 24).
        Assert.Equal(new[] { 32 / 64.0, 40 / 64.0 }.Select(f => f * 2e-3), rates, (a, b) => Math.Abs(a - b) < 1e-15);
    }

    [Fact]
    public void AFreshRunRefusesAFolderWithAnEarlierRunsCheckpoints()
    {
        using (var first = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, Options("twice", 8)))
            first.Train(TinyData.Source());

        using var second = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, Options("twice", 4));
        var error = Assert.Throws<InvalidOperationException>(() => second.Train(TinyData.Source()));
        Assert.Contains("holds checkpoints of an earlier run (step-00000008.ckpt)", error.Message);
        Assert.Equal(0, second.Step);
        Assert.Equal(new[] { "step-00000004.ckpt", "step-00000008.ckpt" }, second.Checkpoints.All().Select(Path.GetFileName));
    }

    /// <summary>
    /// A checkpoint resumed into a folder with another run's checkpoints, or an earlier checkpoint of a run whose later
    /// ones are still there, is refused before anything changes: pruning keeps the highest steps, so the new run's own
    /// checkpoints were the ones it deleted. Into an empty folder a checkpoint starts a fork of its run.
    /// </summary>
    [Fact]
    public void AResumeThatWouldMixWithAnotherRunsCheckpointsIsRefused()
    {
        using (var other = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, Options("other", 12)))
            other.Train(TinyData.Source()); // keeps steps 8 and 12
        string forkPoint;
        using (var first = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, Options("first", 4)))
            forkPoint = first.Train(TinyData.Source()).LastCheckpoint!;

        var into = Options("other", 16) with { ResumeFrom = forkPoint };
        using (var mixing = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, into))
        {
            var error = Assert.Throws<InvalidOperationException>(() => mixing.Train(TinyData.Source()));
            Assert.Contains("holds checkpoints of an earlier run (step-00000012.ckpt): resume step-00000004.ckpt in another OutputDirectory", error.Message);
            Assert.Equal(0, mixing.Step);
        }
        var otherRun = new RunFolder(into.OutputDirectory).Checkpoints;
        Assert.Equal(new[] { "step-00000008.ckpt", "step-00000012.ckpt" }, otherRun.All().Select(Path.GetFileName));

        using (var rewinding = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, Options("other", 16) with { ResumeFrom = otherRun.FileFor(8) }))
            Assert.Contains("step-00000008.ckpt is not the newest checkpoint of its run (step-00000012.ckpt is)",
                            Assert.Throws<InvalidOperationException>(() => rewinding.Train(TinyData.Source())).Message);

        // A pruned (missing) checkpoint is named as missing, not as another run's.
        using (var pruned = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, Options("other", 16) with { ResumeFrom = otherRun.FileFor(4) }))
            Assert.Contains("file not found", Assert.Throws<CheckpointException>(() => pruned.Train(TinyData.Source())).Message);

        using (var fork = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, Options("fork", 8) with { ResumeFrom = forkPoint }))
            Assert.Equal(8, fork.Train(TinyData.Source()).Step);

        // The run's own newest checkpoint, reached through a symlink to its folder, continues it.
        var link = Path.Combine(_scratch.Path, "link-to-other");
        Directory.CreateSymbolicLink(link, into.OutputDirectory);
        using var throughLink = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, Options("other", 16) with { ResumeFrom = Path.Combine(link, "checkpoints", "step-00000012.ckpt") });
        Assert.Equal(16, throughLink.Train(TinyData.Source()).Step);
    }

    [Fact]
    public void KeepsOnlyTheLastCheckpoints()
    {
        using var trainer = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, Options("keep", 16));
        trainer.Train(TinyData.Source());
        var names = trainer.Checkpoints.All().Select(Path.GetFileName).ToArray();
        Assert.Equal(new[] { "step-00000012.ckpt", "step-00000016.ckpt" }, names);
    }

    /// <summary>
    /// A user's copies beside the checkpoints are not the trainer's: never the latest, never deleted. Before, any
    /// step-*.ckpt took part, sorted by name, so step-best.ckpt was "latest" and step-00000004-keep.ckpt was rotated away.
    /// </summary>
    [Fact]
    public void AUsersCopiesBesideTheCheckpointsAreNeitherLatestNorDeleted()
    {
        var options = Options("copies", 16);
        var folder = Path.Combine(options.OutputDirectory!, "checkpoints");
        Directory.CreateDirectory(folder);
        var copies = new[] { "step-00000004-keep.ckpt", "step-best.ckpt", "step-00000004 - Copy.ckpt", "step-00000004.best.ckpt" };
        foreach (var copy in copies) File.WriteAllText(Path.Combine(folder, copy), "mine");
        using var trainer = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, options);
        trainer.Train(TinyData.Source());
        Assert.Equal(new[] { "step-00000012.ckpt", "step-00000016.ckpt" }, trainer.Checkpoints.All().Select(Path.GetFileName));
        Assert.Equal(Path.Combine(folder, "step-00000016.ckpt"), trainer.Checkpoints.Latest());
        foreach (var copy in copies) Assert.Equal("mine", File.ReadAllText(Path.Combine(folder, copy)));
        // Steps past 8 digits sort by their number, not their name.
        var nine = Path.Combine(folder, "step-100000000.ckpt");
        File.WriteAllText(nine, "");
        Assert.Equal(nine, trainer.Checkpoints.Latest());
    }

    /// <summary>A second run into a folder that a run trains in now is refused before its first step, and the folder is free again after.</summary>
    [Fact]
    public void ASecondRunIntoAFolderBeingTrainedIsRefused()
    {
        using var first = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, Options("busy", 4));
        IOException? refused = null;
        int secondSteps = 0;
        first.StepCompleted += info =>
        {
            if (info.Step != 1) return;
            using var second = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, Options("busy", 4));
            second.StepCompleted += _ => secondSteps++;
            refused = Assert.Throws<IOException>(() => second.Train(TinyData.Source()));
        };
        Assert.Equal(4, first.Train(TinyData.Source()).Step);
        Assert.Contains("is being trained by another run now", refused!.Message);
        Assert.Equal(0, secondSteps);
        Assert.False(File.Exists(Path.Combine(_scratch.Path, "busy", RunFolder.LockFileName)));
        using var after = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, Options("busy", 8) with { ResumeFrom = "latest" });
        Assert.Equal(8, after.Train(TinyData.Source()).Step);
    }

    /// <summary>A step's checkpoint is written before its reports run, so a report that fails (a full disk, say) loses no training.</summary>
    [Fact]
    public void AStepsCheckpointIsWrittenBeforeItsReportsRun()
    {
        using var trainer = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, Options("reports", 8));
        trainer.StepCompleted += info => { if (info.Step == 4) throw new IOException("No space left on device"); };
        Assert.Throws<IOException>(() => trainer.Train(TinyData.Source()));
        Assert.True(File.Exists(trainer.Checkpoints.FileFor(4)));
    }

    private string TrainedCheckpoint(string run)
    {
        using var trainer = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, Options(run, 4));
        return trainer.Train(TinyData.Source()).LastCheckpoint!;
    }

    private void Resume(string path, TinyMultistageModel model, string hash = "tiny-v1")
    {
        using var trainer = new MultistageTrainer(model, Vp, PredictionTarget.Eps, Options("resume", 8) with { ModelHash = hash });
        trainer.LoadCheckpoint(path);
    }

    [Fact]
    public void TruncatedCheckpointGivesAClearError()
    {
        var path = TrainedCheckpoint("truncated");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes.Take(bytes.Length / 2).ToArray());
        var error = Assert.Throws<CheckpointException>(() => Resume(path, Model()));
        Assert.Contains("truncated", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void CorruptedCheckpointGivesAClearError()
    {
        var path = TrainedCheckpoint("corrupt");
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length - 100] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<CheckpointException>(() => Resume(path, Model()));
        Assert.Contains("corrupt", error.Message);
    }

    [Fact]
    public void AResumeUnderAnotherStageSamplingPolicyIsRefusedBeforeAnythingIsRestored()
    {
        var options = Options("policy", 4);
        using (var first = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, options))
            first.Train(TinyData.Source());

        var model = Model(seed: 7);
        var before = model.Module.parameters().Select(p => p.detach().clone()).ToList();
        using var resumed = new MultistageTrainer(model, Vp, PredictionTarget.Eps,
                                                  options with { Steps = 8, ResumeFrom = "latest", StageSampling = StageSampling.UniformStage });
        var error = Assert.Throws<CheckpointException>(() => resumed.Train(TinyData.Source()));
        Assert.Contains("step-00000004.ckpt", error.Message);
        Assert.Contains("trained with `stage_sampling mixed`, and this run asks for `stage_sampling uniform`", error.Message);
        Assert.Equal(0, resumed.Step);
        Assert.All(model.Module.parameters().Zip(before), pair => Assert.True(pair.First.allclose(pair.Second, rtol: 0, atol: 0)));

        // Another model's checkpoint is that first, whatever its policy.
        using var otherModel = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps,
                                                     options with { Steps = 8, ResumeFrom = "latest", StageSampling = StageSampling.UniformStage, ModelHash = "other-msd" });
        Assert.Contains("model hash", Assert.Throws<CheckpointException>(() => otherModel.Train(TinyData.Source())).Message);

        // The policy it was trained with continues it.
        using var continued = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, options with { Steps = 8, ResumeFrom = "latest" });
        Assert.Equal(8, continued.Train(TinyData.Source()).Step);
    }

    [Fact]
    public void CheckpointOfAnotherArchitectureNamesTheFirstMismatch()
    {
        var path = TrainedCheckpoint("architecture");
        var error = Assert.Throws<CheckpointException>(() => Resume(path, Model(hidden: 8)));
        Assert.Contains("tensor 'encoder.weight' has shape [16, 1, 3, 3] in the checkpoint but [8, 1, 3, 3] in the model", error.Message);
        var hashError = Assert.Throws<CheckpointException>(() => Resume(path, Model(), hash: "other-msd"));
        Assert.Contains("'tiny-v1'", hashError.Message);
        Assert.Contains("'other-msd'", hashError.Message);
    }

    [Fact]
    public void NaNLossStopsTrainingAndKeepsTheLastGoodCheckpoint()
    {
        var options = Options("nan", 20);
        using var trainer = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, options);
        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Train(new PoisonedBatchSource(TinyData.Source(), poisonFromCall: 7)));
        Assert.Equal(7, error.Step);
        Assert.EndsWith("step-00000004.ckpt", error.LastGoodCheckpoint);
        Assert.Contains("NaN", error.Message);
        Assert.Equal(error.LastGoodCheckpoint, trainer.Checkpoints.Latest());
        Resume(error.LastGoodCheckpoint!, Model());
    }

    [Fact]
    public void GradientAccumulationMatchesOneLargeBatch()
    {
        var whole = Model();
        var accumulated = Model();
        using (var trainer = new MultistageTrainer(whole, Vp, PredictionTarget.Eps, Options("ga1", 3) with { CheckpointEvery = 0 })) trainer.Train(TinyData.Source());
        using (var trainer = new MultistageTrainer(accumulated, Vp, PredictionTarget.Eps, Options("ga4", 3) with { CheckpointEvery = 0, GradAccumulation = 4 })) trainer.Train(TinyData.Source());
        foreach (var ((name, a), (_, b)) in whole.Module.named_parameters().Zip(accumulated.Module.named_parameters()))
            Assert.True(a.allclose(b, rtol: 1e-4, atol: 1e-6), $"{name} differs by {(a - b).abs().max().item<float>()}");
    }

    [Fact]
    public void ZeroStageWeightSilencesThatStagesLoss()
    {
        var options = Options("weights", 30) with { CheckpointEvery = 0, StageSampling = StageSampling.UniformStage, StageLossWeights = new[] { 1.0, 0.0, 2.0 } };
        using var trainer = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, options);
        var seen = new System.Collections.Generic.List<TrainStepInfo>();
        trainer.StepCompleted += seen.Add;
        trainer.Train(TinyData.Source());
        Assert.All(seen, info => Assert.Equal(1, info.StageLosses.Count(l => !double.IsNaN(l))));
        Assert.Contains(seen, info => info.StageLosses[1] == 0.0);
        Assert.Contains(seen, info => info.StageLosses[0] > 0.0);
        Assert.All(seen.Where(info => !double.IsNaN(info.StageLosses[1])), info => Assert.Equal(0.0, info.Loss));
    }
}
