using System;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Runtime.Training;
using DiffusionDsl.Tests.Shared;
using TorchSharp;

namespace DiffusionDsl.Runtime.Tests.Training;

/// <summary>
/// How often the training step and the sampler read tensor values back to the host (each a host-device synchronisation on
/// a GPU), counted by <see cref="HostReads"/>; and that the hot-path sources read nothing except through it.
/// </summary>
public sealed class HostReadTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();
    public void Dispose() => _scratch.Dispose();

    private TrainOptions Options(StageSampling policy, int accumulate = 1) => new()
    {
        BatchSize = 8, LearningRate = 1e-3, GradClip = 1.0, Steps = 6, LogEvery = 3, CheckpointEvery = 0, Seed = 3,
        StageSampling = policy, GradAccumulation = accumulate, OutputDirectory = Path.Combine(_scratch.Path, $"{policy}-{accumulate}"),
    };

    [Theory]
    [InlineData(StageSampling.ScheduleProportional, 1)]
    [InlineData(StageSampling.Mixed, 1)]
    [InlineData(StageSampling.Mixed, 2)]
    public void TrainingReadsOnlyTheStageCountsEachStepAndTheRestAtLoggedSteps(StageSampling policy, int accumulate)
    {
        torch.random.manual_seed(1);
        using var model = new SmallUNet(schedule: new EdmSchedule(), stages: EdmStages());
        using var trainer = new MultistageTrainer(model, model.Schedule, PredictionTarget.Edm, Options(policy, accumulate) with { Device = "cpu" });
        HostReads.Reset();
        var result = trainer.Train(TinyData.Source());
        var sites = HostReads.Sites;
        Assert.Equal(6, result.Step);
        // One read per step: every micro-batch's samples per stage, for routing. The losses of the steps since the last read,
        // with the divergence record, at steps 3 and 6 (LogEvery 3): nothing else (no loss, norm, time or noise-level reads).
        Assert.Equal(6, sites["MultistageTrainer.StageCounts"]);
        Assert.Equal(2, sites["MultistageTrainer.Flush"]);
        Assert.Equal(2, sites.Count);
        Assert.True(double.IsFinite(result.LastLoss));
    }

    [Fact]
    public void EveryStepsLossIsReadAtTheNextLoggedStepOrWhenAskedBefore()
    {
        torch.random.manual_seed(1);
        using var model = new SmallUNet();
        using var trainer = new MultistageTrainer(model, model.Schedule, PredictionTarget.Eps, Options(StageSampling.Mixed) with { Device = "cpu" });
        var seen = new System.Collections.Generic.List<TrainStepInfo>();
        double asked = double.NaN;
        trainer.StepCompleted += info => { seen.Add(info); if (info.Step == 2) asked = info.Loss; };
        HostReads.Reset();
        trainer.Train(TinyData.Source());
        // Step 2's loss was asked for before the read at step 3: one read of its own.
        Assert.Equal(1, HostReads.Sites["MultistageTrainer.Loss"]);
        Assert.Equal(2, HostReads.Sites["MultistageTrainer.Flush"]);
        long total = HostReads.Total;
        Assert.Equal(6, seen.Count);
        Assert.All(seen, info => Assert.True(double.IsFinite(info.Loss) && info.StageLosses.Count == 3 && info.StageLosses.Any(double.IsFinite)));
        Assert.Equal(asked, seen[1].Loss);
        // Every step's losses came with the reads at steps 3 and 6: reading them now reads nothing.
        Assert.Equal(total, HostReads.Total);
    }

    /// <summary>The synchronous step (tests, tools) reads its losses at once: the stage counts and the losses.</summary>
    [Fact]
    public void TrainStepReadsTheCountsAndTheLosses()
    {
        torch.random.manual_seed(1);
        using var model = new SmallUNet();
        using var trainer = new MultistageTrainer(model, model.Schedule, PredictionTarget.Eps, Options(StageSampling.Mixed) with { Device = "cpu" });
        HostReads.Reset();
        var stageLosses = trainer.TrainStep(TinyData.Source(), out double loss);
        Assert.True(double.IsFinite(loss));
        Assert.Equal(3, stageLosses.Length);
        Assert.Equal(2, HostReads.Total);
    }

    [Theory]
    [InlineData(SolverKind.DpmSolver3)]
    [InlineData(SolverKind.EdmHeun)]
    [InlineData(SolverKind.DdpmAncestral)]
    public void SamplingReadsNothing(SolverKind solver)
    {
        torch.random.manual_seed(1);
        using var model = new SmallUNet();
        var sampler = new MultistageSampler(model, model.Schedule, PredictionTarget.Eps, new SampleOptions { Solver = solver, Steps = 6 });
        HostReads.Reset();
        using var images = sampler.Sample(3, 1, 8, 8);
        Assert.Equal(0, HostReads.Total);
        Assert.True(sampler.EvaluationsPerStage.Sum() > 0);
    }

    /// <summary>The per-sample fallbacks still work (a model or schedule without tensor forms), and are counted.</summary>
    [Fact]
    public void RoutingWithoutKnownCountsReadsThemOnce()
    {
        torch.random.manual_seed(1);
        using var model = new SmallUNet();
        var t = torch.tensor(new[] { 0.1, 0.5, 0.9, 0.2 }, dtype: torch.ScalarType.Float64);
        using var noGrad = torch.no_grad();
        HostReads.Reset();
        using var output = model.Predict(torch.randn(4, 1, 8, 8), t);
        Assert.Equal(1, HostReads.Sites["StageRouting.Route"]);
        Assert.Equal(1, HostReads.Total);
    }

    private static Staging.StageTable EdmStages()
    {
        var edm = new EdmSchedule();
        return TinyMultistageModel.ThreeStages(edm.TimeOfSigma(2.5103), edm.TimeOfSigma(7.6577));
    }

    /// <summary>
    /// The training step's and the sampler's sources (training, diffusion, staging, sampling, schedules, networks, blocks)
    /// read tensor values to the host only through <see cref="HostReads"/>, so the counts above see every read. The
    /// checkpoint files, which run only when a checkpoint is written or read, are the exception.
    /// </summary>
    [Fact]
    public void HotPathSourcesReadTheHostOnlyThroughHostReads()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "DiffusionDsl.sln"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("no DiffusionDsl.sln above the test");
        var folders = new[] { "Training", "Diffusion", "Staging", "Sampling", "Schedules", "Networks", "Blocks" };
        var exempt = new[] { "TrainingCheckpoint.cs", "TrainingRandomState.cs" };
        var pattern = new System.Text.RegularExpressions.Regex(@"\.cpu\(\)|\.item<|\.data<|\.To(Single|Double|Int64|Boolean)\(\)|clip_grad_norm_\(|\.bytes\b");
        var offenders = folders
            .SelectMany(f => Directory.EnumerateFiles(Path.Combine(root, "runtime", f), "*.cs", SearchOption.AllDirectories))
            .Where(file => !exempt.Contains(Path.GetFileName(file)))
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (file, line, i)))
            .Where(x => pattern.IsMatch(x.line) && !x.line.TrimStart().StartsWith("//") && !x.line.TrimStart().StartsWith("///"))
            .Select(x => $"{Path.GetRelativePath(root, x.file)}:{x.i + 1}: {x.line.Trim()}")
            .ToList();
        Assert.True(offenders.Count == 0, "host reads outside HostReads:\n" + string.Join("\n", offenders));
        Assert.True(folders.All(f => Directory.Exists(Path.Combine(root, "runtime", f))));
    }
}
