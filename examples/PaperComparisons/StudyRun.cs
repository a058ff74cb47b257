using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Data;
using DiffusionDsl.Runtime.Evaluation;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PaperComparisons;

/// <summary>The study's settings: one training budget for every model, and how quality is measured along the way.</summary>
public sealed record StudySettings(double BudgetGFlops, int Points, int CurveCount, int FinalCount, long[] Seeds, string Output, int SampleBatch,
    int LargeCount)
{
    /// <summary>The quality evaluations per run, at 1/Points, 2/Points, ... of its steps (so at about equal GFLOPs for every model).</summary>
    public long[] EvaluationSteps(long steps) =>
        Enumerable.Range(1, Points).Select(i => (long)Math.Round(steps * (double)i / Points)).Distinct().ToArray();

    public long StepsFor(StudyModel model) => Math.Max(Points, (long)Math.Round(BudgetGFlops / model.GFlopsPerStep()));

    public string Folder(StudyModel model, long seed) => Path.Combine(Output, $"{model.Key}-seed{seed}");
}

/// <summary>
/// One (model, seed) run of the study: trains to the shared GFLOPs budget, and at each evaluation step samples with
/// the EMA weights and scores the samples against Fashion-MNIST's held-out test images. Resumable: it continues from
/// its latest checkpoint (one is written at every evaluation step), and a finished run is left alone.
/// </summary>
public static class StudyRun
{
    public static bool IsDone(string folder) => File.Exists(Path.Combine(folder, "done"));

    /// <summary>Every measurement of a run samples from this seed, so larger sample sets extend smaller ones.</summary>
    public static long SamplingSeed(long seed) => 10_000 + seed;

    public static void Run(StudyModel model, long seed, StudySettings settings, RawImages raw, IFeatureExtractor features, ReferenceSet reference, TextWriter log)
    {
        string folder = settings.Folder(model, seed);
        if (IsDone(folder)) return;
        Directory.CreateDirectory(folder);
        long steps = settings.StepsFor(model);
        var evaluations = settings.EvaluationSteps(steps);
        string pointsPath = Path.Combine(folder, "points.csv");
        var measured = StudyPoint.ReadAll(pointsPath).Select(p => p.Step).ToHashSet();

        torch.manual_seed(seed);
        using var dataset = ImageDataset.FromRaw(raw);
        var network = model.Create();
        using var disposeNetwork = network.Module;
        var options = model.Recipe.TrainDefaults with
        {
            Steps = checked((int)steps), Seed = seed, OutputDirectory = folder, ResumeFrom = "latest",
            // A checkpoint at every evaluation step: a stopped study resumes there and measures nothing twice.
            CheckpointEvery = checked((int)(evaluations.Length > 1 ? evaluations[1] - evaluations[0] : steps)), KeepCheckpoints = 1,
            SampleEvery = 0, EvalEvery = 0, LogEvery = 50,
        };
        using var trainer = new MultistageTrainer(network, model.Schedule, model.Recipe.Prediction, options);
        var sampler = new MultistageSampler(network, model.Schedule, model.Recipe.Prediction, model.Recipe.SampleDefaults with { BatchSize = settings.SampleBatch });

        var segment = Stopwatch.StartNew();
        trainer.StepCompleted += step =>
        {
            if (step.Step % 500 == 0) log.WriteLine($"{model.Key} seed {seed}: step {step.Step:N0}/{steps:N0}, loss {step.Loss:0.0000}, {step.TrainGFlops:N0} GFLOPs");
            if (!evaluations.Contains(step.Step) || measured.Contains(step.Step)) return;
            double trainSeconds = segment.Elapsed.TotalSeconds;
            bool final = step.Step == steps;
            var clock = Stopwatch.StartNew();
            using var scope = NewDisposeScope();
            Tensor images;
            using (trainer.Ema.Apply())
                images = sampler.Sample(final ? settings.FinalCount : settings.CurveCount, raw.Channels, raw.Height, raw.Width, seed: SamplingSeed(seed));
            // The curve compares every point at one sample count; the final point is also measured at the larger count.
            var curve = SampleQuality.Evaluate(features, reference, images.narrow(0, 0, Math.Min(settings.CurveCount, images.shape[0])));
            var full = final && settings.FinalCount != settings.CurveCount ? SampleQuality.Evaluate(features, reference, images) : null;
            double evalSeconds = clock.Elapsed.TotalSeconds;
            foreach (var report in new[] { curve, full }.OfType<QualityReport>())
            {
                var point = new StudyPoint(model.Key, seed, step.Step, steps, step.ImagesSeen, step.TrainGFlops ?? double.NaN, report.Count,
                    report.FrechetDistance, report.Precision, report.Recall, report.Density, report.Coverage, report.ClassEntropy ?? double.NaN,
                    trainSeconds, evalSeconds);
                StudyPoint.Append(pointsPath, point);
                log.WriteLine($"{model.Key} seed {seed}: step {step.Step:N0}, {point.TrainGFlops:N0} GFLOPs, FD {point.Fd:0.00} at N = {point.Count:N0} " +
                              $"(train {trainSeconds:0} s, eval {evalSeconds:0} s)");
            }
            measured.Add(step.Step);
            segment.Restart();
        };
        var result = trainer.Train(dataset);
        if (result.Cancelled) return;
        File.WriteAllText(Path.Combine(folder, "done"), $"{steps} steps\n");
    }
}
