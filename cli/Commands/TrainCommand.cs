using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Threading;
using DiffusionDsl.Cli.Hosting;
using DiffusionDsl.Runtime;
using DiffusionDsl.Runtime.Checkpoints;
using DiffusionDsl.Runtime.Data;
using DiffusionDsl.Runtime.Hosting;
using DiffusionDsl.Runtime.Reporting;
using DiffusionDsl.Runtime.Training;
using Spectre.Console;
using TorchSharp;

namespace DiffusionDsl.Cli.Commands;

/// <summary>
/// `msd train MODEL --data PATH`: trains a generated model from a built assembly (or a project it builds)
/// with the .msd's train section, overridden by the options given; writes checkpoints, metrics,
/// sample grids and a loss curve. Ctrl+C stops after the current step and writes a checkpoint.
/// </summary>
public static class TrainCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var source = ModelArguments.Source();
        var model = ModelArguments.ModelName();
        var data = new Option<string>("--data") { Description = "IDX file, CIFAR-10 .bin, a folder of images/batches, or a .safetensors tensor [N, C, H, W] used as it is (latents)", Required = true };
        var steps = new Option<int?>("--steps") { Description = "Train to this step (default: the .msd's steps)" };
        var batch = new Option<int?>("--batch") { Description = "Batch size (default: the .msd's batch)" };
        var lr = new Option<double?>("--lr") { Description = "Learning rate (default: the .msd's lr)" };
        var seed = new Option<long?>("--seed") { Description = "Seed of the training run and of the data order" };
        var output = new Option<string?>("--output") { Description = "Run folder (default: runs/<model>)" };
        var resume = new Option<string?>("--resume") { Description = "Continue from a checkpoint file, or 'latest' in the run folder" };
        var device = ModelArguments.Device();
        var precision = new Option<string?>("--precision")
        {
            Description = "auto, fp32 or bf16: the forward pass under bf16 autocast, weights and EMA in float32 (default: the .msd's train precision, else auto: bf16 on CUDA)",
        };
        var reduction = new Option<string?>("--loss-reduction")
        {
            Description = "mean or sum: each image's squared error enters the gradient as its mean over the pixels (score_sde's reduce_mean) " +
                          "or their sum (EDM's training loop); default: sum for predicts edm, else mean. The logged loss is the mean",
        };
        var limit = new Option<int?>("--limit") { Description = "Use only the first N images" };
        var flip = new Option<bool?>("--flip")
        {
            Description = "Mirror a random half of each batch left-right (true/false; default: the .msd's train flip)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var noProgress = new Option<bool>("--no-progress") { Description = "No progress bar (for logs)" };

        var command = new Command("train", "Train a model built from an .msd file")
        {
            source, model, data, steps, batch, lr, seed, output, resume, device, precision, reduction, limit, flip, noProgress,
        };
        command.SetAction(parsed => Run(new TrainSettings
        {
            Source = parsed.GetValue(source)!, Model = parsed.GetValue(model), Data = parsed.GetValue(data)!,
            Steps = parsed.GetValue(steps), Batch = parsed.GetValue(batch), LearningRate = parsed.GetValue(lr),
            Seed = parsed.GetValue(seed), Output = parsed.GetValue(output), Resume = parsed.GetValue(resume),
            Device = parsed.GetValue(device), Precision = parsed.GetValue(precision), LossReduction = parsed.GetValue(reduction),
            Limit = parsed.GetValue(limit), Flip = parsed.GetValue(flip),
            Progress = !parsed.GetValue(noProgress) && !Console.IsOutputRedirected,
        }, console));
        return command;
    }

    public static int Run(TrainSettings settings, IAnsiConsole console, CancellationToken cancellation = default) =>
        CommandErrors.Guard(console, () => RunUnguarded(settings, console, cancellation));

    private static int RunUnguarded(TrainSettings settings, IAnsiConsole console, CancellationToken cancellation)
    {
        // Installed before anything else: a Ctrl+C during set-up must not end the process (it then stops after the part
        // of the set-up under way, before any step). The first Ctrl+C during training stops after the current step and
        // saves; a second one ends the process as usual.
        using var interrupt = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, interrupt.Token);
        var training = new StrongBox<bool>();
        void Stop(string signal)
        {
            if (!interrupt.IsCancellationRequested)
                Console.Error.WriteLine(Volatile.Read(ref training.Value)
                    ? $"{signal}: stopping after this step and saving a checkpoint (Ctrl+C again quits without saving)"
                    : $"{signal}: stopping after this part of the set-up (build, data, model), before any step: nothing to save yet (Ctrl+C again quits now)");
            interrupt.Cancel();
        }
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = !interrupt.IsCancellationRequested; Stop("Ctrl+C"); };
        Console.CancelKeyPress += onCancel;
        // A scheduler's pre-emption (SIGTERM) and a dropped terminal (SIGHUP) stop the run as the first Ctrl+C does.
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; Stop("SIGTERM"); });
        using var hangUp = OperatingSystem.IsWindows() ? null
            : PosixSignalRegistration.Create(PosixSignal.SIGHUP, context => { context.Cancel = true; Stop("SIGHUP"); });
        try { return Train(settings, console, linked.Token, () => Volatile.Write(ref training.Value, true)); }
        finally { Console.CancelKeyPress -= onCancel; }
    }

    /// <param name="trainingStarts">Called when set-up is done and the steps begin (what an interrupt then saves changes).</param>
    private static int Train(TrainSettings settings, IAnsiConsole console, CancellationToken cancellation, Action trainingStarts)
    {
        CheckArguments(settings);
        string assembly;
        // The terminal's Ctrl+C reaches the build too (it runs in msd's process group) and stops it: a failure then is the interrupt's.
        try { assembly = ModelArguments.Prepare(settings.Source, console, settings.Device); }
        catch (Exception) when (StoppedDuringSetUp(cancellation, console)) { return 130; }
        if (StoppedDuringSetUp(cancellation, console)) return 130;
        var info = ModelArguments.Load(assembly, settings.Model, console);
        var options = Options(info, settings);
        CheckBatchSplits(settings, options, info);
        // Before the run folder and the data load, naming the option (the loader would say only the path).
        if (!File.Exists(settings.Data) && !Directory.Exists(settings.Data))
            throw new ArgumentException($"--data {settings.Data}: no such file or folder.");
        // The trainer refuses these too, but only after the data has loaded and the run folder exists.
        var runFolder = new RunFolder(options.OutputDirectory);
        if (options.ResumeFrom is { } resume and not "latest")
        {
            // Weights alone cannot continue a run (its optimizer, step and random state are not in them): say so, rather
            // than point to the weights in a train.py checkpoint as msd sample would.
            if (CheckpointWeights.IsWeightsFile(resume) || File.Exists(Path.Combine(resume, "state.json")))
                throw new ArgumentException($"--resume {resume}: msd train continues its own .ckpt checkpoints (weights, optimizer, step and random " +
                                            "state); weights or a train.py checkpoint cannot continue a run here: continue a train.py run with train.py --resume.");
            if (!File.Exists(resume)) throw new ArgumentException($"Checkpoint '{resume}': {CheckpointPaths.Missing(resume)}");
        }
        // A run of the model before its .msd changed cannot be continued: say so before "continue it with --resume latest".
        var newest = options.ResumeFrom is null or "latest" ? runFolder.ResumePoint("latest") : null;
        if (newest is not null && CheckpointFile.PeekModelHash(newest) is { } written && written != info.SourceHash)
            throw new ArgumentException($"{options.OutputDirectory} holds a run of another model (its checkpoint {Path.GetFileName(newest)} was written for " +
                                        $"model hash '{written}', {info.Name}'s is '{info.SourceHash}': another image, diffusion, stages or network, as after an " +
                                        $"edit of the .msd), which {info.Name} cannot continue: give another --output{(options.ResumeFrom is null ? "" : ", without --resume")}.");
        if (runFolder.Conflict(options.ResumeFrom) is { } conflict)
            throw new ArgumentException(conflict.SameRun
                ? $"{Path.GetFileName(options.ResumeFrom)} is not the newest checkpoint of its run ({Path.GetFileName(conflict.Checkpoint)} is): " +
                  "delete the later ones to go back to it, or use --resume latest."
                : $"{options.OutputDirectory} holds an earlier run (its checkpoint {Path.GetFileName(conflict.Checkpoint)}): " +
                  (options.ResumeFrom is null ? "continue it with --resume latest, or give another --output."
                                              : $"resume {Path.GetFileName(options.ResumeFrom)} with another --output, or continue that run with --resume latest."));
        if (options.ResumeFrom == "latest" && runFolder.ResumePoint("latest") is null)
            console.Line($"no checkpoint in {options.OutputDirectory} yet: --resume latest starts at step 0.");
        // A .safetensors file is data already in the model's space (latents an autoencoder wrote), used as it is.
        using var tensors = TensorFileDataset.IsTensorFile(settings.Data) ? TensorFileDataset.Load(settings.Data, settings.Limit) : null;
        using var images = tensors is null ? DatasetLoader.Load(settings.Data, new DatasetOptions
        {
            ImageChannels = info.ImageChannels, Seed = options.Seed, Limit = settings.Limit, ImageSize = info.ImageSize,
        }) : null;
        IFingerprintedBatchSource data = (IFingerprintedBatchSource?)tensors ?? images!;
        long count = tensors?.Count ?? images!.Count;
        if (data.Channels != info.ImageChannels || data.Height != info.ImageSize || data.Width != info.ImageSize)
            throw new DataFormatException(settings.Data, $"its images are {data.Channels}x{data.Height}x{data.Width}, but {info.Name} takes " +
                                                         $"{info.ImageChannels}x{info.ImageSize}x{info.ImageSize} (the image line of {info.SourceFile}).");
        console.Line(tensors is null ? $"data: {count} images {data.Channels}x{data.Height}x{data.Width} from {settings.Data}"
                                     : $"data: {count} tensors {data.Channels}x{data.Height}x{data.Width} ('{tensors.TensorName}', used as they are) from {settings.Data}");
        if (StoppedDuringSetUp(cancellation, console)) return 130;
        // The seed fixes the initial weights too, so one command gives one run (the exported train.py does the same).
        torch.random.manual_seed(options.Seed);
        using var model = info.Create();
        using var trainer = new MultistageTrainer(model, model.Schedule, info.Prediction, options);
        console.Line($"device: {TorchSetup.DefaultDevice(options.Device)} ({(trainer.UsesBf16Autocast ? "bf16 autocast" : "float32")}); " +
                     $"steps {options.Steps}, batch {options.BatchSize}{(options.StageGroups > 1 ? $" in {options.StageGroups} stage groups" : "")}, " +
                     $"stages drawn {StageSamplingNames.Of(options.StageSampling)}, lr {options.LearningRate.ToString(CultureInfo.InvariantCulture)}, " +
                     $"loss {(trainer.LossReduction == LossReduction.Sum ? "summed" : "averaged")} over pixels, {TrainingRecipeText.ClipAndEma(options)}; " +
                     $"output {Path.GetFullPath(options.OutputDirectory)}");
        var session = new TrainingSession(trainer, model.Schedule, info.Prediction,
                                          new ReportOptions { PreviewSampling = info.SampleDefaults, ProgressBar = settings.Progress });

        if (StoppedDuringSetUp(cancellation, console)) return 130;
        trainingStarts();
        var result = session.Run(data, cancellation);
        // A cancelled run has saved the step it stopped at, as a finished one has (MultistageTrainer.Train), unless it
        // stopped before the first.
        var checkpoint = result.LastCheckpoint;
        console.Line(result.Cancelled
            ? checkpoint is null ? $"stopped at step {result.Step}, before any step of this run: nothing to save"
                                 : $"stopped at step {result.Step}; checkpoint {checkpoint} (continue with --resume latest{settings.TrainingOptionsText()})"
            : $"trained to step {result.Step}, last loss {result.LastLoss.ToString("0.0000", CultureInfo.InvariantCulture)}");
        if (!result.Cancelled)
        {
            console.Line($"checkpoint: {checkpoint}");
            console.Line($"samples: {session.SamplePath(result.Step)}");
            console.Line($"metrics: {session.MetricsPath}; loss curve: {session.LossPlotPath}");
        }
        return result.Cancelled ? 130 : 0;
    }

    /// <summary>An interrupt during set-up ends the command at the next part (after the build, after the data load): no step ran.</summary>
    private static bool StoppedDuringSetUp(CancellationToken cancellation, IAnsiConsole console)
    {
        if (!cancellation.IsCancellationRequested) return false;
        console.Line("stopped during set-up, before any step: nothing to save");
        return true;
    }

    /// <summary>A --batch the .msd's accumulate or stage_groups cannot split evenly, named as the option, before the data loads.</summary>
    private static void CheckBatchSplits(TrainSettings settings, TrainOptions options, MsdModelInfo info)
    {
        if (settings.Batch is not int batch) return;
        foreach (var (parts, setting) in new[] { (options.GradAccumulation, "accumulate"), (options.StageGroups, "stage_groups") })
            if (batch % parts != 0)
                throw new ArgumentException($"--batch {batch} does not split into the {parts} equal parts of {info.SourceFile}'s train {setting} {parts}: " +
                                            $"give a multiple of {parts}.");
    }

    private static void CheckArguments(TrainSettings settings)
    {
        ArgumentRange.Require(settings.Steps, TrainRanges.Steps, "--steps");
        ArgumentRange.Require(settings.Batch, TrainRanges.Batch, "--batch");
        if (settings.Limit is < 1) throw new ArgumentException($"--limit must be at least 1, not {settings.Limit}.");
        ArgumentRange.Require(settings.LearningRate, TrainRanges.LearningRate, "--lr");
        ArgumentRange.Require(settings.Seed, TrainRanges.Seed, "--seed");
        // Said before the build and the data load, and naming the option, rather than by the first write a step later.
        OutputPath.CheckFolder(settings.Output, "--output", "the run's folder");
        if (settings.Data is "") throw new ArgumentException("--data is empty; give an IDX or CIFAR-10 file, or a folder of images or batches.");
        if (settings.Resume is "") throw new ArgumentException("--resume is empty; give a checkpoint file, or latest.");
        Precision(settings);
        Reduction(settings);
    }

    /// <summary>--loss-reduction, or null when not given (the model's preconditioning decides).</summary>
    private static LossReduction? Reduction(TrainSettings settings) => settings.LossReduction switch
    {
        null => null,
        "mean" => LossReduction.Mean,
        "sum" => LossReduction.Sum,
        var other => throw new ArgumentException($"--loss-reduction must be mean or sum, not '{other}'."),
    };

    /// <summary>--precision, or null when not given.</summary>
    private static MixedPrecision? Precision(TrainSettings settings)
    {
        try { return settings.Precision is { } text ? MixedPrecisionPolicy.Parse(text) : null; }
        catch (FormatException e) { throw new ArgumentException($"--precision: {e.Message}", e); }
    }

    private static TrainOptions Options(MsdModelInfo info, TrainSettings settings)
    {
        var defaults = info.TrainDefaults;
        return defaults with
        {
            Steps = settings.Steps ?? defaults.Steps,
            BatchSize = settings.Batch ?? defaults.BatchSize,
            LearningRate = settings.LearningRate ?? defaults.LearningRate,
            Seed = settings.Seed ?? defaults.Seed,
            OutputDirectory = settings.Output ?? defaults.OutputDirectory,
            ResumeFrom = settings.Resume,
            Device = settings.Device,
            Precision = Precision(settings) ?? defaults.Precision,
            LossReduction = Reduction(settings) ?? defaults.LossReduction,
            HorizontalFlip = settings.Flip ?? defaults.HorizontalFlip,
            ModelHash = info.SourceHash,
        };
    }
}
