using System;
using System.CommandLine;
using System.Linq;
using DiffusionDsl.Language.Semantics;
using DiffusionDsl.Runtime;
using DiffusionDsl.Runtime.Checkpoints;
using DiffusionDsl.Runtime.Hosting;
using DiffusionDsl.Runtime.Sampling;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Cli.Commands;

/// <summary>What `msd sample` and `msd evaluate` draw images with: the checkpoint and the .msd's sample section, overridden.</summary>
internal sealed record SamplingRequest(string Checkpoint, int? Count, int? Steps, string? Solver, long? Seed, bool Ema, bool? Clip, string? Device,
                                       double? EndTime = null, double? Churn = null, string? Spacing = null);

/// <summary>The sampling options `msd sample` and `msd evaluate` share, and drawing images from a built model's checkpoint.</summary>
internal static class ModelSampling
{
    public sealed class Options
    {
        public Option<int?> Steps { get; } = new("--steps") { Description = "Solver steps (default: the .msd's steps)" };
        public Option<string?> Solver { get; } = new("--solver") { Description = "Solver (default: the .msd's solver)" };
        public Option<long?> Seed { get; } = new("--seed") { Description = "Seed of the initial noise" };
        public Option<bool> NoEma { get; } = new("--no-ema") { Description = "Use the trained weights, not their moving average" };
        public Option<bool?> Clip { get; } = new("--clip") { Description = "Clamp each clean-image estimate to [-1, 1] (true/false; default: the .msd's clip)" };
        public Option<double?> EndTime { get; } = new("--end-time") { Description = "Where a vp, cosine or ddpm model's sampling stops (default: the .msd's end_time, else the schedule's: 1e-3 for vp and cosine)" };
        public Option<double?> Churn { get; } = new("--churn") { Description = "heun's churn, EDM's S_churn (0: deterministic heun; default: the .msd's churn)" };
        public Option<string?> Spacing { get; } = new("--spacing") { Description = "Where the DPM solvers place their steps: logsnr (uniform in lambda) or time (uniform in t, latent diffusion's DPMSolverSampler) (default: the .msd's spacing, else logsnr; from 10 to 14 steps latent diffusion's sampler also lowers its last step's order, this one does not)" };
        public Option<string?> Device { get; } = ModelArguments.Device();

        public Options()
        {
            Solver.AcceptOnlyFromAmong(SolverNames.All.ToArray());
            Spacing.AcceptOnlyFromAmong(TimeSpacingNames.All);
        }

        public void AddTo(Command command)
        {
            command.Options.Add(Steps);
            command.Options.Add(Solver);
            command.Options.Add(Seed);
            command.Options.Add(NoEma);
            command.Options.Add(Clip);
            command.Options.Add(EndTime);
            command.Options.Add(Churn);
            command.Options.Add(Spacing);
            command.Options.Add(Device);
        }
    }

    /// <summary>Refuses counts and steps below 1, before anything is loaded (the device is checked once TorchSharp can load).</summary>
    public static void Check(int? count, int? steps, double? endTime = null, double? churn = null)
    {
        ArgumentRange.Require(churn, SampleRanges.Churn, "--churn");
        ArgumentRange.Require(count, SampleRanges.Count, "--count");
        ArgumentRange.Require(steps, SampleRanges.Steps, "--steps");
        ArgumentRange.Require(endTime, SampleRanges.EndTime, "--end-time");
    }

    /// <summary>The .msd's sample section with the request's overrides.</summary>
    public static SampleOptions Resolve(MsdModelInfo info, SamplingRequest request)
    {
        var defaults = info.SampleDefaults;
        return defaults with
        {
            Solver = request.Solver is null ? defaults.Solver : SolverNames.KindOf(request.Solver),
            Steps = request.Steps ?? defaults.Steps,
            Count = request.Count ?? defaults.Count,
            Seed = request.Seed ?? defaults.Seed,
            ClipDenoised = request.Clip ?? defaults.ClipDenoised,
            EndTime = request.EndTime ?? defaults.EndTime,
            Spacing = request.Spacing is null ? defaults.Spacing : TimeSpacingNames.KindOf(request.Spacing),
            // The amount only: the .msd's churn_min, churn_max and churn_noise stay (EDM's own defaults when not written).
            Churn = request.Churn is double amount ? defaults.Churn with { Amount = amount } : defaults.Churn,
        };
    }

    /// <summary>
    /// Loads the checkpoint's EMA (or trained) weights into a new model and draws options.Count images [N, C, H, W]
    /// (on the model's device); reports the checkpoint line, and returns the summary of what was sampled
    /// ("sampled N images with ..., evaluations per stage ...") for the caller to finish.
    /// </summary>
    public static (Tensor Images, string Summary) Sample(MsdModelInfo info, SamplingRequest request, SampleOptions options, IAnsiConsole console)
    {
        using var model = info.Create();
        long step = CheckpointWeights.Load(request.Checkpoint, model, info.SourceHash, request.Ema);
        model.to(TorchSetup.DefaultDevice(request.Device)).eval();
        console.Line($"checkpoint: {request.Checkpoint} (step {step}, {WeightsKind(request.Checkpoint, request.Ema)})");

        // The compiler refuses such a stage for the .msd's own end_time; --end-time can still leave one unsampled.
        if (options.EndTime is double end)
            foreach (var stage in info.Table.Stages.Where(stage => stage.End <= end))
                console.Line($"note: stage '{stage.Name}' ends at t = {Time(stage.End)}, at or below the end time {Time(end)}: no sample uses its decoder");
        using (no_grad())
        {
            var sampler = new MultistageSampler(model, model.Schedule, info.Prediction, options);
            var images = sampler.Sample(options.Count, info.ImageChannels, info.ImageSize, info.ImageSize, options.Seed);
            var summary = $"sampled {options.Count} images with {options.Solver}, {options.Steps} steps{SpacingNote(options)}{EndNote(options)}{ChurnNote(options)}{(options.ClipDenoised ? ", clipped to [-1, 1]" : "")} " +
                          $"({Evaluations(sampler.Solver.EvaluationsFor(options.Steps), options.Steps)}evaluations per stage: {string.Join(" / ", sampler.EvaluationsPerStage)})";
            return (images, summary);
        }
    }

    /// <summary>The network evaluations per image when they are not the steps (EDM's Heun: 2 steps - 1).</summary>
    private static string Evaluations(int evaluations, int steps) => evaluations == steps ? "" : $"{evaluations} network evaluations per image; ";

    /// <summary>Churn makes two runs of one seed differ only where its settings do: the summary says it is on.</summary>
    private static string ChurnNote(SampleOptions options) =>
        options.Solver == SolverKind.EdmHeun && options.Churn.IsOn ? $", churn {Time(options.Churn.Amount)}" : "";

    /// <summary>The DPM solvers' steps are uniform in lambda unless said: the summary says when they are uniform in t.</summary>
    private static string SpacingNote(SampleOptions options) =>
        options.Spacing == TimeSpacing.Time && TimeSpacingNames.AppliesTo(options.Solver) ? " uniform in t" : "";

    private static string EndNote(SampleOptions options) => options.EndTime is double end ? $" to t = {Time(end)}" : "";

    private static string Time(double t) => t.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Which weights a load took: a checkpoint holds both and --no-ema chooses; a .safetensors file holds one set, whichever
    /// was written into it, and the flag does not apply.
    /// </summary>
    public static string WeightsKind(string path, bool ema) =>
        CheckpointWeights.IsWeightsFile(path) ? "the file's weights" : ema ? "EMA weights" : "trained weights";
}
