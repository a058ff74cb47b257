using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Checkpoints;
using DiffusionDsl.Runtime.Evaluation;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Training;
using static TorchSharp.torch;

namespace PaperComparisons;

/// <summary>
/// The large-N score of a finished run: its final checkpoint's EMA weights sample <see cref="StudySettings.LargeCount"/>
/// images (the same sampling seed as the run's own measurements, so they extend its final sample set) and these are
/// scored against the held-out test images. Kept apart from training because it costs more than a run's training here.
/// </summary>
public static class StudyScoring
{
    public static void Score(StudyModel model, long seed, StudySettings settings, IFeatureExtractor features, ReferenceSet reference, TextWriter log)
    {
        string folder = settings.Folder(model, seed);
        string pointsPath = Path.Combine(folder, "points.csv");
        if (!StudyRun.IsDone(folder))
        {
            log.WriteLine($"{model.Key} seed {seed}: not finished, nothing to score at N = {settings.LargeCount:N0}");
            return;
        }
        long steps = settings.StepsFor(model);
        var final = StudyPoint.ReadAll(pointsPath).Where(p => p.Step == steps).ToList();
        if (final.Any(p => p.Count == settings.LargeCount)) return;
        string checkpoint = new RunFolder(folder).Checkpoints.FileFor(steps);

        var network = model.Create();
        using var disposeNetwork = network.Module;
        CheckpointWeights.Load(checkpoint, network.Module, model.Recipe.SourceHash, ema: true);
        var sampler = new MultistageSampler(network, model.Schedule, model.Recipe.Prediction, model.Recipe.SampleDefaults with { BatchSize = settings.SampleBatch });
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var images = sampler.Sample(settings.LargeCount, model.Recipe.ImageChannels, model.Recipe.ImageSize, model.Recipe.ImageSize, seed: StudyRun.SamplingSeed(seed));
        var report = SampleQuality.Evaluate(features, reference, images);
        var first = final.FirstOrDefault() ?? throw new InvalidOperationException($"{pointsPath} has no measurement at the final step {steps}.");
        var point = first with
        {
            Count = report.Count, Fd = report.FrechetDistance, Precision = report.Precision, Recall = report.Recall, Density = report.Density,
            Coverage = report.Coverage, ClassEntropy = report.ClassEntropy ?? double.NaN, TrainSeconds = 0, EvalSeconds = clock.Elapsed.TotalSeconds,
        };
        StudyPoint.Append(pointsPath, point);
        log.WriteLine($"{model.Key} seed {seed}: step {steps:N0}, FD {point.Fd:0.00} at N = {point.Count:N0} (eval {point.EvalSeconds:0} s)");
    }
}
