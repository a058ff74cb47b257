using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Data;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Hosting;
using DiffusionDsl.Runtime.Networks;
using DiffusionDsl.Runtime.Reporting;
using DiffusionDsl.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Examples.FashionMnist;

/// <summary>
/// Trains each model for the same number of steps on the same data and seed (so at about the same
/// compute: their GFLOPs averaged over t differ by 3%), then prints each one's speed and its held-out
/// loss: the EMA weights' eps-prediction error on the same 1,000 test images, times and noise for
/// every model. Each run folder gets samples, a loss curve and metrics.
/// </summary>
internal static class EqualStepsComparison
{
    public static void Run(IReadOnlyList<MsdModelInfo> models, string dataPath, string heldOutPath, int steps, string output)
    {
        using var heldOut = DatasetLoader.Load(heldOutPath, new DatasetOptions { ImageChannels = 1, Limit = 1000 });
        // Decoded once; each model gets its own dataset over it, so every run sees the same batches in the same order.
        var raw = DatasetLoader.ReadRaw(dataPath, imageChannels: 1);
        var rows = new List<string>();
        foreach (var info in models)
        {
            using var data = ImageDataset.FromRaw(raw);
            TorchSharp.torch.random.manual_seed(info.TrainDefaults.Seed); // each model's initial weights from its own seed
            using var model = info.Create();
            var options = info.TrainDefaults with
            {
                Steps = steps, CheckpointEvery = steps, SampleEvery = 0, OutputDirectory = Path.Combine(output, info.Name),
            };
            // Each comparison starts fresh: drop the checkpoints an earlier comparison left in this folder.
            var checkpoints = Path.Combine(options.OutputDirectory, "checkpoints");
            if (Directory.Exists(checkpoints)) Directory.Delete(checkpoints, recursive: true);
            using var trainer = new MultistageTrainer(model, model.Schedule, info.Prediction, options);
            var losses = new List<double>();
            trainer.StepCompleted += step => losses.Add(step.Loss);

            Console.WriteLine($"{info.Name}: {steps} steps of batch {options.BatchSize} -> {options.OutputDirectory}");
            var clock = Stopwatch.StartNew();
            var session = new TrainingSession(trainer, model.Schedule, info.Prediction, new ReportOptions { PreviewSampling = info.SampleDefaults });
            session.Run(data);
            clock.Stop();

            double lastQuarter = losses.Skip(losses.Count * 3 / 4).Average();
            double test;
            using (trainer.Ema.Apply()) test = HeldOutLoss(model, info, heldOut.Images);
            rows.Add($"{info.Name,-18} {info.Cost.TotalParameters,10:N0} {steps / clock.Elapsed.TotalSeconds,8:0.00} {lastQuarter,11:0.0000} {test,13:0.0000}   {session.SamplePath(steps)}");
        }
        Console.WriteLine();
        Console.WriteLine($"{"model",-18} {"parameters",10} {"steps/s",8} {"train loss",11} {"held-out loss",13}   samples");
        Console.WriteLine($"{"",-18} {"",10} {"",8} {"(last 1/4)",11} {"(EMA)",13}");
        rows.ForEach(Console.WriteLine);
    }

    /// <summary>The training objective on fixed images, times (uniform in t) and noise, identical for every model.</summary>
    private static double HeldOutLoss(MultistageUNet model, MsdModelInfo info, Tensor images)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        model.eval();
        var generator = new torch.Generator(2024);
        double minTime = model.Schedule.MinTime;
        var t = torch.rand(new[] { images.shape[0] }, generator: generator) * (1 - minTime) + minTime;
        var eps = torch.randn(images.shape, generator: generator);
        var device = model.parameters().First().device;
        var loss = DiffusionLoss.PerSample(new Denoiser(model, model.Schedule, info.Prediction), images.to(device), t.to(device), eps.to(device));
        return loss.mean().item<float>();
    }
}
