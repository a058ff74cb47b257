using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Data;
using DiffusionDsl.Runtime.Hosting;
using DiffusionDsl.Runtime.Reporting;
using DiffusionDsl.Runtime.Training;

namespace Examples.FashionMnist;

/// <summary>
/// Trains each model for the same number of steps on the same data and seed (so at about the same
/// compute: their GFLOPs averaged over t differ by 3%), then prints each one's time and its loss
/// averaged over the last quarter of the run. Each run folder gets samples, a loss curve and metrics.
/// </summary>
internal static class EqualStepsComparison
{
    public static void Run(IReadOnlyList<MsdModelInfo> models, string dataPath, int steps, string output)
    {
        var rows = new List<string>();
        foreach (var info in models)
        {
            using var data = DatasetLoader.Load(dataPath, new DatasetOptions { ImageChannels = info.ImageChannels });
            using var model = info.Create();
            var options = info.TrainDefaults with
            {
                Steps = steps, CheckpointEvery = steps, SampleEvery = 0, OutputDirectory = Path.Combine(output, info.Name),
            };
            using var trainer = new MultistageTrainer(model, model.Schedule, info.Prediction, options);
            var losses = new List<double>();
            trainer.StepCompleted += step => losses.Add(step.Loss);

            Console.WriteLine($"{info.Name}: {steps} steps of batch {options.BatchSize} -> {options.OutputDirectory}");
            var clock = Stopwatch.StartNew();
            var session = new TrainingSession(trainer, model.Schedule, info.Prediction, new ReportOptions { PreviewSampling = info.SampleDefaults });
            session.Run(data);
            clock.Stop();

            double lastQuarter = losses.Skip(losses.Count * 3 / 4).Average();
            rows.Add($"{info.Name,-18} {info.Cost.TotalParameters,10:N0} {steps / clock.Elapsed.TotalSeconds,9:0.00} {lastQuarter,14:0.0000}   {session.SamplePath(steps)}");
        }
        Console.WriteLine();
        Console.WriteLine($"{"model",-18} {"parameters",10} {"steps/s",9} {"loss (last 1/4)",14}   samples");
        rows.ForEach(Console.WriteLine);
    }
}
