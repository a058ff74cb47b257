using System;
using System.IO;
using DiffusionDsl.Runtime.Data;
using DiffusionDsl.Runtime.Evaluation;
using DiffusionDsl.Runtime.Reporting;
using QuickStart;
using TorchSharp;

// The main job: train FashionQuickStart (generated from FashionQuickStart.msd) on Fashion-MNIST,
// then sample a PNG grid with the .msd's solver. Usage: QuickStart [data path] [steps] [output dir]
var dataPath = args.Length > 0 && args[0].Length > 0 ? args[0] : DefaultData();
var defaultOutput = Path.Combine("runs", "quickstart");
var output = args.Length > 2 ? args[2] : defaultOutput;
int steps = FashionQuickStartTrainer.Defaults.Steps;
if (args.Length > 1 && args[1].Length > 0 && !(int.TryParse(args[1], out steps) && steps > 0))
{
    Console.Error.WriteLine($"QuickStart: the steps must be a whole number above 0, not '{args[1]}'. Usage: QuickStart [data path] [steps] [output dir]");
    return 2;
}
var options = FashionQuickStartTrainer.Defaults with { Steps = steps, OutputDirectory = output };

// The main job always starts fresh in its own folder; the trainer refuses to mix a new run with an earlier run's
// checkpoints, so another folder that holds some is left to it to refuse (nobody's run is deleted but the main job's).
var checkpoints = Path.Combine(output, "checkpoints");
if (output == defaultOutput && Directory.Exists(checkpoints))
{
    Directory.Delete(checkpoints, recursive: true);
    Console.WriteLine($"starting fresh: removed the previous main job's checkpoints in {checkpoints}");
}

Console.WriteLine($"FashionQuickStart: {FashionQuickStart.Cost}");
Console.WriteLine($"data: {dataPath}; device: {DiffusionDsl.Runtime.TorchSetup.DefaultDevice()}; output: {Path.GetFullPath(output)}");

var data = DatasetLoader.Load(dataPath, new DatasetOptions { ImageChannels = 1, Seed = options.Seed });
torch.random.manual_seed(options.Seed); // the initial weights too: one seed, one run
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
    ReportQuality(sampler, Path.GetDirectoryName(Path.GetFullPath(dataPath))!, output);
}
return 0;

// Sample quality in the feature space of the Fashion-MNIST classifier shipped with the runtime, against the
// held-out test images. FD is biased upwards at small N, so it is always stated with its N (here 1,000).
static void ReportQuality(FashionQuickStartSampler sampler, string dataFolder, string output)
{
    const int count = 1000, batch = 250;
    if (!EvaluationData.HasFashionMnistTest(dataFolder))
    {
        Console.WriteLine($"quality: skipped (no Fashion-MNIST t10k test images beside the training data in {dataFolder})");
        return;
    }
    var clock = System.Diagnostics.Stopwatch.StartNew();
    using var network = FashionFeatureNetwork.LoadDefault();
    var reference = ReferenceSet.FashionMnistTest(network, dataFolder);
    var parts = new System.Collections.Generic.List<torch.Tensor>();
    for (int i = 0; i < count / batch; i++) parts.Add(sampler.Sample(batch, seed: 1000 + i));
    using var generated = torch.cat(parts, 0);
    foreach (var part in parts) part.Dispose();
    var options = sampler.Sampler.Options;
    var report = SampleQuality.Evaluate(network, reference, generated) with
    {
        Reference = $"{reference.Count:N0} held-out Fashion-MNIST test images (t10k) 1x28x28 from {dataFolder}",
        Generated = $"FashionQuickStart's EMA weights: {count:N0} images, {batch} from each of the seeds 1000 to {1000 + count / batch - 1}, " +
                    $"{options.Solver} with {options.Steps} steps",
    };
    File.WriteAllText(Path.Combine(output, "quality.json"), report.ToJson());
    Console.WriteLine(report.ToTable());
    Console.WriteLine($"quality of {count:N0} samples against {reference.Count:N0} test images in {clock.Elapsed.TotalSeconds:F0} s -> {Path.Combine(output, "quality.json")}");
}

static string DefaultData()
{
    const string debian = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
    return File.Exists(debian) ? debian : Path.Combine(AppContext.BaseDirectory, "data", "fashion-mnist-2000-images-idx3-ubyte.gz");
}
