using System;
using System.IO;
using DiffusionDsl.Runtime.Data;
using DiffusionDsl.Runtime.Reporting;
using QuickStart;
using TorchSharp;

// The main job: train FashionQuickStart (generated from FashionQuickStart.msd) on Fashion-MNIST,
// then sample a PNG grid with the .msd's solver. Usage: QuickStart [data path] [steps] [output dir]
var dataPath = args.Length > 0 && args[0].Length > 0 ? args[0] : DefaultData();
var output = args.Length > 2 ? args[2] : Path.Combine("runs", "quickstart");
var options = FashionQuickStartTrainer.Defaults with
{
    Steps = args.Length > 1 && args[1].Length > 0 ? int.Parse(args[1]) : FashionQuickStartTrainer.Defaults.Steps,
    OutputDirectory = output,
};

// The main job always starts fresh; the trainer refuses to mix a new run with an earlier run's checkpoints.
var checkpoints = Path.Combine(output, "checkpoints");
if (Directory.Exists(checkpoints))
{
    Directory.Delete(checkpoints, recursive: true);
    Console.WriteLine($"starting fresh: removed the previous main job's checkpoints in {checkpoints}");
}

Console.WriteLine($"FashionQuickStart: {FashionQuickStart.Cost}");
Console.WriteLine($"data: {dataPath}; device: {DiffusionDsl.Runtime.TorchSetup.DefaultDevice()}; output: {Path.GetFullPath(output)}");

var data = DatasetLoader.Load(dataPath, new DatasetOptions { ImageChannels = 1, Seed = options.Seed });
using var model = new FashionQuickStart();
using var trainer = new FashionQuickStartTrainer(model, options);
var result = trainer.Train(data);
Console.WriteLine($"trained to step {result.Step}, last loss {result.LastLoss:F4}; metrics.csv and loss.png in {output}");

using (trainer.Trainer.Ema.Apply())
using (torch.no_grad())
{
    var sampler = new FashionQuickStartSampler(model);
    var images = sampler.Sample();
    var grid = Path.Combine(output, "samples.png");
    SampleGrid.SavePng(images, grid, scale: 2);
    Console.WriteLine($"sampled {images.shape[0]} images with {FashionQuickStartSampler.Defaults.Solver} " +
                      $"(evaluations per stage: {string.Join(" / ", sampler.EvaluationsPerStage)}) -> {grid}");
}

static string DefaultData()
{
    const string debian = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
    return File.Exists(debian) ? debian : Path.Combine(AppContext.BaseDirectory, "data", "fashion-mnist-2000-images-idx3-ubyte.gz");
}
