using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using DiffusionDsl.Runtime;
using DiffusionDsl.Runtime.Data;
using DiffusionDsl.Runtime.Hosting;
using DiffusionDsl.Runtime.Reporting;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Staging;
using DiffusionDsl.Runtime.Training;
using Examples.Cifar;
using QuickStart;
using TorchSharp;
using static TorchSharp.torch;

// The GPU harness and the host-read benchmark (issue 14). For QuickStart's model and the paper's CIFAR-10 configs it
// trains N steps through MultistageTrainer.Train (the path a real run takes), then samples with the .msd's solver, and
// reports for each: seconds per training step and images/s, host reads (tensor values read back to the host, each a
// host-device synchronisation on a GPU; counted by DiffusionDsl.Runtime.HostReads) per training step and per sampler
// step, and the sample grid. Writes timings.json, samples-<model>.png and log lines to --out.
//
//   GpuHarness [--out DIR] [--device cpu|cuda] [--models quickstart,cifar10[,cifar10-vp][,celebahq-ldm]] [--steps N] [--warmup W]
//              [--quick-batch B] [--cifar-batch B] [--ldm-batch B] [--samples K] [--sample-batch B] [--fashion PATH] [--cifar PATH]
//              [--precision auto|fp32|bf16[,...]]   (each model once per precision: --precision fp32,bf16 compares them)
//
// Data: QuickStart trains on Fashion-MNIST (--fashion, default the 2,000-image slice shipped beside the program).
// CIFAR-10 trains on --cifar (a CIFAR-10 python-batch folder or image folder) when given; otherwise, where no CIFAR-10 is
// at hand (the GPU machine has no network), on the Fashion-MNIST slice made 3x32x32 (zero-padded, grey in all three
// channels): the step times do not depend on the pixels, and the JSON says which data trained. cifar10 is the paper's EDM
// model (DDPM++), cifar10-vp its VP model (score_sde's NCSN++ deep, examples/Cifar10Paper/Cifar10MultistageVp.msd).
// celebahq-ldm is the paper's LDM network (examples/LatentPaper: ADM, 493.8M parameters) on 3x64x64 latents, here
// standard normal draws (no autoencoder on the machine; the step times do not depend on the values).
var arguments = new Arguments(args);
var output = Path.GetFullPath(arguments.Text("--out", Path.Combine("runs", "gpu-harness")));
Directory.CreateDirectory(output);
var log = new StreamWriter(Path.Combine(output, "harness.log"), append: false) { AutoFlush = true };
void Log(string line) { Console.WriteLine(line); log.WriteLine(line); }

bool cudaAvailable = cuda.is_available();
Log($"torch.cuda.is_available() = {cudaAvailable}; cuda devices: {(cudaAvailable ? cuda.device_count() : 0)}; libtorch {torch.__version__} (TorchSharp's pin)");
var device = TorchSetup.DefaultDevice(arguments.Optional("--device"));
Log($"device: {device}; torch threads: {get_num_threads()}");
// Which libtorch and LibTorchSharp this process runs on (the publish carries neither: LD_LIBRARY_PATH points at them).
var natives = MappedLibraries.Paths().Where(p => p.Contains("libtorch") || p.Contains("LibTorchSharp") || p.Contains("libc10")).ToList();
foreach (var path in natives) Log($"native: {path}");
var shimChecks = ShimChecks.Run(Log);

int steps = arguments.Int("--steps", 200), warmup = arguments.Int("--warmup", 10);
// The clock starts when the last warm-up step ends (a step's report is its only hook): with no warm-up step it never would.
if (warmup < 1 || steps < 1) throw new ArgumentException($"--warmup ({warmup}) and --steps ({steps}) must each be at least 1.");
int samples = arguments.Int("--samples", 64);
var models = arguments.Text("--models", "quickstart,cifar10").Split(',', StringSplitOptions.RemoveEmptyEntries);
var fashion = arguments.Text("--fashion", Path.Combine(AppContext.BaseDirectory, "data", "fashion-mnist-2000-images-idx3-ubyte.gz"));
var results = new List<Dictionary<string, object?>>();

var precisions = arguments.Text("--precision", "auto").Split(',', StringSplitOptions.RemoveEmptyEntries);
Log($"autocast: {Autocast.Describe()}");
int failures = 0;
foreach (var name in models)
foreach (var precisionName in precisions)
{
    // One name per run for its files: the model's, with the precision when several are compared.
    var label = precisions.Length > 1 ? $"{name}-{precisionName.Trim()}" : name;
    // A run that fails is recorded and the next one still runs: the GPU machine is lent once, and every figure counts.
    try
    {
        var precision = MixedPrecisionPolicy.Parse(precisionName);
        results.Add(name switch
        {
            "quickstart" => RunQuickStart(label, precision, arguments.Int("--quick-batch", FashionQuickStartTrainer.Defaults.BatchSize)),
            "cifar10" => RunCifar10(label, precision, arguments.Int("--cifar-batch", 64), vp: false),
            "cifar10-vp" => RunCifar10(label, precision, arguments.Int("--cifar-batch", 64), vp: true),
            "celebahq-ldm" => RunLatent(label, precision, arguments.Int("--ldm-batch", 48)),
            _ => throw new ArgumentException($"unknown model '{name}' (quickstart, cifar10, cifar10-vp, celebahq-ldm)"),
        });
    }
    catch (Exception e)
    {
        failures++;
        Log($"{label}: FAILED: {e}");
        results.Add(new Dictionary<string, object?> { ["model"] = label, ["error"] = e.ToString() });
    }
    WriteReport();
}
return failures == 0 ? 0 : 1;

// Written after every run, so a run killed later (or a time limit) leaves the figures of the runs before it.
void WriteReport()
{
    var report = new Dictionary<string, object?>
    {
        ["cuda_available"] = cudaAvailable,
        ["device"] = device.ToString(),
        ["libtorch_pin"] = torch.__version__,
        ["torch_threads"] = get_num_threads(),
        ["native_libraries"] = natives,
        ["shim_checks"] = shimChecks,
        ["steps"] = steps,
        ["warmup"] = warmup,
        ["models"] = results,
    };
    var path = Path.Combine(output, "timings.json");
    File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
    File.Move(path + ".tmp", path, overwrite: true);
    Log($"wrote {path} ({results.Count} of {models.Length * precisions.Length} runs)");
}

Dictionary<string, object?> RunQuickStart(string label, MixedPrecision precision, int batch)
{
    using var data = DatasetLoader.Load(fashion, new DatasetOptions { ImageChannels = 1, Seed = 1 });
    random.manual_seed(1); // the initial weights and dropout: one seed gives one run
    using var model = new FashionQuickStart();
    var options = FashionQuickStartTrainer.Defaults with { BatchSize = batch, Precision = precision };
    var sampleOptions = FashionQuickStartSampler.Defaults;
    return Run(label, model, model.Schedule, FashionQuickStart.Prediction, options, data, $"Fashion-MNIST ({data.Count} images, {fashion})",
               sampleOptions, FashionQuickStart.ImageChannels, FashionQuickStart.ImageSize);
}

Dictionary<string, object?> RunCifar10(string label, MixedPrecision precision, int batch, bool vp)
{
    var cifar = arguments.Optional("--cifar");
    ImageDataset data;
    string source;
    if (cifar is not null)
    {
        data = DatasetLoader.Load(cifar, new DatasetOptions { ImageChannels = 3, Seed = 1 });
        source = $"CIFAR-10 ({data.Count} images, {cifar})";
    }
    else
    {
        using var grey = DatasetLoader.Load(fashion, new DatasetOptions { ImageChannels = 1, Seed = 1 });
        var padded = nn.functional.pad(grey.Images, new long[] { 2, 2, 2, 2 }, value: -1.0).expand(-1, 3, -1, -1).contiguous();
        data = new ImageDataset(padded);
        source = $"no CIFAR-10 given: the Fashion-MNIST slice as 3x32x32 ({data.Count} images; step times do not depend on the pixels)";
    }
    using (data)
    {
        random.manual_seed(1);
        using DiffusionDsl.Runtime.Networks.MultistageUNet model = vp ? new Cifar10MultistageVp() : new Cifar10Multistage();
        // The paper configuration's stage groups (EDM: 4, VP: 2) where the batch splits into them; a rehearsal's tiny
        // batch gets fewer.
        var defaults = vp ? Cifar10MultistageVpTrainer.Defaults : Cifar10MultistageTrainer.Defaults;
        var options = defaults with { BatchSize = batch, Precision = precision, StageGroups = (int)System.Numerics.BigInteger.GreatestCommonDivisor(batch, defaults.StageGroups) };
        return Run(label, model, model.Schedule, vp ? Cifar10MultistageVp.Prediction : Cifar10Multistage.Prediction, options, data, source,
                   vp ? Cifar10MultistageVpSampler.Defaults : Cifar10MultistageSampler.Defaults, Cifar10Multistage.ImageChannels, Cifar10Multistage.ImageSize);
    }
}

Dictionary<string, object?> RunLatent(string label, MixedPrecision precision, int batch)
{
    random.manual_seed(1);
    using var values = randn(new long[] { 512, 3, 64, 64 }, generator: new Generator(1));
    var latents = new TensorBatchSource(values);
    using var model = new Examples.Latent.CelebAHqLatentMultistage();
    var defaults = Examples.Latent.CelebAHqLatentMultistageTrainer.Defaults;
    // The recipe's stage groups (3, one stage each: cyclic) where the batch splits into them.
    var options = defaults with { BatchSize = batch, Precision = precision, StageGroups = (int)System.Numerics.BigInteger.GreatestCommonDivisor(batch, defaults.StageGroups) };
    return Run(label, model, model.Schedule, Examples.Latent.CelebAHqLatentMultistage.Prediction, options, latents,
               "512 standard normal 3x64x64 latents (no autoencoder here; step times do not depend on the values)",
               Examples.Latent.CelebAHqLatentMultistageSampler.Defaults, Examples.Latent.CelebAHqLatentMultistage.ImageChannels, Examples.Latent.CelebAHqLatentMultistage.ImageSize);
}

Dictionary<string, object?> Run(string name, IMultistageModel model, DiffusionDsl.Runtime.Schedules.INoiseSchedule schedule,
                                DiffusionDsl.Runtime.Diffusion.PredictionTarget target, TrainOptions defaults, IBatchSource data, string dataSource,
                                SampleOptions sampleDefaults, int channels, int size)
{
    var runFolder = Path.Combine(output, name, "run");
    if (Directory.Exists(runFolder)) Directory.Delete(runFolder, recursive: true);
    var options = defaults with
    {
        // Timing only: no checkpoints (the CIFAR-10 model's would be 2 GB in $OUT), not even at the stop.
        Steps = warmup + steps + 1, CheckpointEvery = 0, CheckpointAtEnd = false, SampleEvery = 0, EvalEvery = 0, OutputDirectory = runFolder,
        Device = device.ToString(),
    };
    using var trainer = new MultistageTrainer(model, schedule, target, options);
    var precisionUsed = trainer.UsesBf16Autocast ? "bf16 autocast" : "float32";
    Log($"[{name}] {model.Module.parameters().Sum(p => p.numel()):N0} parameters; batch {options.BatchSize}; {precisionUsed}; " +
        $"{warmup} warm-up + {steps} timed steps; data: {dataSource}");
    using var stop = new CancellationTokenSource();
    var clock = new Stopwatch();
    long readsBefore = 0;
    var losses = new List<(long Step, double Loss)>();
    trainer.StepCompleted += info =>
    {
        if (info.Step % Math.Max(1, options.LogEvery) == 0 || info.Step == warmup + steps)
        {
            losses.Add((info.Step, info.Loss));
            Log($"[{name}] step {info.Step}: loss {info.Loss:F4}");
        }
        if (info.Step == warmup) { Synchronize(); readsBefore = HostReads.Total; clock.Restart(); }
        if (info.Step == warmup + steps) { Synchronize(); clock.Stop(); stop.Cancel(); }
    };
    HostReads.Reset();
    var setup = Stopwatch.StartNew();
    trainer.Train(data, stop.Token);
    long trainReads = HostReads.Total - readsBefore;
    double secondsPerStep = clock.Elapsed.TotalSeconds / steps;
    var trainSites = HostReads.Sites;
    Log($"[{name}] train: {secondsPerStep * 1000:F1} ms/step, {options.BatchSize / secondsPerStep:F1} images/s, " +
        $"{(double)trainReads / steps:F2} host reads/step (whole run by site: {Sites(trainSites)})");

    // Sampling with the EMA weights and the .msd's solver: one warm-up image, then the timed batch.
    var sampleOptions = sampleDefaults with { BatchSize = Math.Min(samples, arguments.Int("--sample-batch", samples)) };
    var sampler = new MultistageSampler(model, schedule, target, sampleOptions);
    double sampleSeconds;
    long sampleReads;
    IReadOnlyDictionary<string, long> sampleSites;
    int solverSteps;
    using (trainer.Ema.Apply())
    {
        sampler.Sample(1, channels, size, size).Dispose();
        HostReads.Reset();
        Synchronize();
        var sampleClock = Stopwatch.StartNew();
        using var images = sampler.Sample(samples, channels, size, size);
        Synchronize();
        sampleSeconds = sampleClock.Elapsed.TotalSeconds;
        sampleReads = HostReads.Total;
        sampleSites = HostReads.Sites;
        solverSteps = sampler.Solver.StepCount * (int)Math.Ceiling(samples / (double)sampleOptions.BatchSize);
        SampleGrid.SavePng(images.cpu(), Path.Combine(output, $"samples-{name}.png"), scale: size < 32 ? 2 : 1);
    }
    Log($"[{name}] sample: {samples} images with {sampleOptions.Solver} ({sampleOptions.Steps} steps) in {sampleSeconds:F2} s, " +
        $"{samples / sampleSeconds:F1} images/s, {(double)sampleReads / solverSteps:F2} host reads/solver step ({Sites(sampleSites)}); " +
        $"evaluations per stage {string.Join(" / ", sampler.EvaluationsPerStage)}");
    return new Dictionary<string, object?>
    {
        ["model"] = name,
        ["parameters"] = model.Module.parameters().Sum(p => p.numel()),
        ["data"] = dataSource,
        ["batch"] = options.BatchSize,
        ["precision"] = precisionUsed,
        ["timed_steps"] = steps,
        ["seconds_per_step"] = secondsPerStep,
        ["train_images_per_second"] = options.BatchSize / secondsPerStep,
        ["host_reads_per_train_step"] = (double)trainReads / steps,
        ["host_reads_by_site_whole_run"] = trainSites,
        ["losses"] = losses.Select(l => new[] { l.Step, l.Loss }).ToList(),
        ["setup_and_train_seconds"] = setup.Elapsed.TotalSeconds,
        ["solver"] = sampleOptions.Solver.ToString(),
        ["solver_steps"] = sampleOptions.Steps,
        ["samples"] = samples,
        ["sample_seconds"] = sampleSeconds,
        ["sample_images_per_second"] = samples / sampleSeconds,
        ["host_reads_per_solver_step"] = (double)sampleReads / solverSteps,
        ["host_reads_by_site_sampling"] = sampleSites,
        ["evaluations_per_stage"] = sampler.EvaluationsPerStage,
        ["sample_grid"] = $"samples-{name}.png",
    };
}

void Synchronize()
{
    if (device.type == DeviceType.CUDA) cuda.synchronize(device);
}

static string Sites(IReadOnlyDictionary<string, long> sites) =>
    sites.Count == 0 ? "none" : string.Join(", ", sites.OrderByDescending(s => s.Value).Select(s => $"{s.Key} {s.Value}"));

sealed class Arguments
{
    private readonly string[] _args;
    public Arguments(string[] args) => _args = args;

    public string? Optional(string name)
    {
        int i = Array.IndexOf(_args, name);
        return i >= 0 && i + 1 < _args.Length ? _args[i + 1] : null;
    }

    public string Text(string name, string fallback) => Optional(name) ?? fallback;

    public int Int(string name, int fallback) => Optional(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
