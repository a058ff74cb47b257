using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using DiffusionDsl.Benchmarks;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Reporting;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Staging;
using DiffusionDsl.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

// CPU figures for the harness (issue 3): train steps/s and images/s, routing overhead, native memory growth.
// Usage: dotnet run -c Release --project benchmarks/DiffusionDsl.Benchmarks [-- --threads N] [--quick]
int threads = args.SkipWhile(a => a != "--threads").Skip(1).Select(int.Parse).FirstOrDefault(1);
bool quick = args.Contains("--quick");
set_num_threads(threads);
var output = Path.Combine(Path.GetTempPath(), "dd-bench");
Console.WriteLine($"DiffusionDsl benchmarks on {TorchSharp.torch.CPU}, {threads} torch thread(s){(quick ? ", quick" : "")}");

var schedule = new VpSchedule(betaMin: 0.1, betaMax: 20.0);
var threeStages = new StageTable(new[] { new StageInfo("data", 0, 0.4420), new StageInfo("middle", 0.4420, 0.6308), new StageInfo("noise", 0.6308, 1) });
var oneStage = new StageTable(new[] { new StageInfo("all", 0, 1) });
const int channels = 3, size = 16, width = 32, batch = 32;
BenchModel Multistage() => new(schedule, threeStages, channels, width, new[] { 48, 32, 4 });
BenchModel Unified() => new(schedule, oneStage, channels, width, new[] { 32 });
var data = new TensorBatchSource(rand(new long[] { 512, channels, size, size }, generator: new Generator(1)) * 2 - 1);

TrainOptions Options(int steps, StageSampling policy) => new()
{
    BatchSize = batch, Steps = steps, LearningRate = 2e-4, WarmupSteps = 10, CheckpointEvery = 0, StageSampling = policy,
    OutputDirectory = Path.Combine(output, Guid.NewGuid().ToString("N")),
};

double TrainStepsPerSecond(BenchModel model, StageSampling policy, int steps)
{
    using var trainer = new MultistageTrainer(model, schedule, PredictionTarget.Eps, Options(steps + 5, policy));
    for (int i = 0; i < 5; i++) trainer.TrainStep(data, out _);
    var clock = Stopwatch.StartNew();
    for (int i = 0; i < steps; i++) trainer.TrainStep(data, out _);
    return steps / clock.Elapsed.TotalSeconds;
}

double ImagesPerSecond(BenchModel model, int count)
{
    var sampler = new MultistageSampler(model, schedule, PredictionTarget.Eps, new SampleOptions { Solver = SolverKind.DpmSolver3, Steps = 20, BatchSize = count });
    sampler.Sample(4, channels, size, size).Dispose();
    var clock = Stopwatch.StartNew();
    sampler.Sample(count, channels, size, size).Dispose();
    return count / clock.Elapsed.TotalSeconds;
}

int trainSteps = quick ? 30 : 100, images = quick ? 32 : 128;
var multistage = Multistage();
var unified = Unified();
Console.WriteLine($"model sizes: multistage {multistage.ParameterCount:N0} parameters, unified {unified.ParameterCount:N0} (encoder width {width}, decoders 48/32/4 vs 32; {channels}x{size}x{size}, batch {batch})");
Console.WriteLine($"train, multistage (uniform stage per batch): {TrainStepsPerSecond(multistage, StageSampling.UniformStage, trainSteps):F1} steps/s");
Console.WriteLine($"train, multistage (mixed batches):          {TrainStepsPerSecond(Multistage(), StageSampling.Mixed, trainSteps):F1} steps/s");
Console.WriteLine($"train, unified:                             {TrainStepsPerSecond(unified, StageSampling.Mixed, trainSteps):F1} steps/s");
var countingSampler = new MultistageSampler(multistage, schedule, PredictionTarget.Eps, new SampleOptions { Solver = SolverKind.DpmSolver3, Steps = 20, EndTime = 1e-4 });
countingSampler.Sample(2, channels, size, size).Dispose();
Console.WriteLine($"sample, multistage DPM-Solver-3 20 NFE: {ImagesPerSecond(multistage, images):F1} images/s (NFE per stage {string.Join(" / ", countingSampler.EvaluationsPerStage)} at t_end 1e-4)");
Console.WriteLine($"sample, unified    DPM-Solver-3 20 NFE: {ImagesPerSecond(unified, images):F1} images/s");

// Routing overhead: one mixed-batch forward+backward against the same samples run as three single-stage batches.
{
    var model = Multistage();
    var denoiser = new Denoiser(model, schedule, PredictionTarget.Eps);
    var g = new Generator(3);
    var x0 = data.NextBatch(96, g);
    var t = cat(new[] { rand(32, generator: g) * 0.44f, rand(32, generator: g) * 0.18f + 0.45f, rand(32, generator: g) * 0.36f + 0.64f }, 0);
    var eps = randn(x0.shape, generator: g);
    double Time(Action action, int repeats)
    {
        for (int i = 0; i < 3; i++) action();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < repeats; i++) action();
        return clock.Elapsed.TotalMilliseconds / repeats;
    }
    void Step(Tensor a, Tensor b, Tensor c)
    {
        using var scope = NewDisposeScope();
        model.Module.zero_grad();
        DiffusionLoss.PerSample(denoiser, a, b, c).mean().backward();
    }
    int repeats = quick ? 10 : 40;
    double mixed = Time(() => Step(x0, t, eps), repeats);
    double parts = Enumerable.Range(0, 3).Sum(k => Time(() => Step(x0.narrow(0, 32 * k, 32), t.narrow(0, 32 * k, 32), eps.narrow(0, 32 * k, 32)), repeats));
    Console.WriteLine($"routing overhead: mixed 96-sample step {mixed:F1} ms vs its three single-stage parts {parts:F1} ms -> {(mixed / parts - 1) * 100:+0.0;-0.0}% (goal <= 10%)");
}

// Native memory: resident set after 100 and after 1000 training steps.
{
    var model = Multistage();
    int total = quick ? 300 : 1000, early = 100;
    using var trainer = new MultistageTrainer(model, schedule, PredictionTarget.Eps, Options(total, StageSampling.Mixed) with { BatchSize = 8 });
    long rssEarly = 0;
    var process = Process.GetCurrentProcess();
    for (int i = 1; i <= total; i++)
    {
        trainer.TrainStep(data, out _);
        if (i == early) { GC.Collect(); GC.WaitForPendingFinalizers(); process.Refresh(); rssEarly = process.WorkingSet64; }
    }
    GC.Collect(); GC.WaitForPendingFinalizers(); process.Refresh();
    long rssLate = process.WorkingSet64;
    Console.WriteLine($"memory: RSS {rssEarly / 1048576.0:F1} MiB after {early} steps, {rssLate / 1048576.0:F1} MiB after {total} -> {(rssLate / (double)rssEarly - 1) * 100:+0.0;-0.0}% (goal within 5%)");
}

// A user's view: progress bar, metrics, sample grid and loss curve for a short run.
{
    var model = Multistage();
    var options = Options(quick ? 60 : 300, StageSampling.UniformStage) with { SampleEvery = 0, LogEvery = 10, LearningRate = 2e-3, EmaDecay = 0.99, OutputDirectory = Path.Combine(output, "demo") };
    if (Directory.Exists(options.OutputDirectory)) Directory.Delete(options.OutputDirectory, recursive: true);
    using var trainer = new MultistageTrainer(model, schedule, PredictionTarget.Eps, options);
    var ramps = TensorBatchSourceDemo.Ramps(256, channels, size);
    var session = new TrainingSession(trainer, schedule, PredictionTarget.Eps, new ReportOptions { PreviewSampling = new SampleOptions { Solver = SolverKind.DpmSolver3, Steps = 20, Count = 16 } });
    var result = session.Run(ramps);
    Console.WriteLine($"demo run: {result.Step} steps, last loss {result.LastLoss:F4}; wrote {session.MetricsPath}, {session.SamplePath(result.Step)}, {session.LossPlotPath}");
}

internal static class TensorBatchSourceDemo
{
    /// <summary>Coloured diagonal ramps: easy structure a small model learns in a few hundred steps.</summary>
    public static TensorBatchSource Ramps(int count, int channels, int size)
    {
        var g = new Generator(2);
        var coords = linspace(-1, 1, size);
        var grid = coords.view(1, 1, size, 1) * 0.5f + coords.view(1, 1, 1, size) * 0.5f;
        var colours = rand(new long[] { count, channels, 1, 1 }, generator: g) * 2 - 1;
        var signs = (rand(new long[] { count, 1, 1, 1 }, generator: g) > 0.5).to(ScalarType.Float32) * 2 - 1;
        return new TensorBatchSource((grid * signs * 0.7f + colours * 0.3f).clamp(-1, 1));
    }
}
