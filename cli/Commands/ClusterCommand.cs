using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using DiffusionDsl.Cli.Hosting;
using DiffusionDsl.Language.Editing;
using DiffusionDsl.Language.Semantics;
using DiffusionDsl.Runtime.Clustering;
using DiffusionDsl.Runtime.Data;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Schedules;
using Spectre.Console;

namespace DiffusionDsl.Cli.Commands;

/// <summary>
/// `msd cluster`: chooses stage boundaries with the exact optimal denoiser of a dataset
/// (runtime/Clustering), prints them, optionally writes the similarity heatmap and rewrites an
/// .msd file's stages block in place.
/// </summary>
public static class ClusterCommand
{
    private const int MaxGrid = 1000;

    public static Command Create(IAnsiConsole console)
    {
        var data = new Option<string>("--data") { Description = "IDX file, CIFAR-10 .bin, or a folder of images/batches", Required = true };
        var schedule = new Option<string?>("--schedule") { Description = "Noise schedule, with its default parameters (default: the --msd file's own schedule; required for an --msd file with errors; else vp)" };
        schedule.AcceptOnlyFromAmong(ScheduleNames.All);
        var stages = new Option<int>("--stages") { Description = "Number of stages", DefaultValueFactory = _ => 3 };
        var method = new Option<string>("--method") { Description = "dp (exact partition), algorithm1 (paper, 3 stages), uniform, logsnr", DefaultValueFactory = _ => "dp" };
        method.AcceptOnlyFromAmong("dp", "algorithm1", "uniform", "logsnr");
        var alpha = new Option<double>("--alpha") { Description = "Algorithm 1's similarity threshold", DefaultValueFactory = _ => 0.9 };
        var eta = new Option<double>("--eta") { Description = "Coordinates within eta agree", DefaultValueFactory = _ => 2.0 / 256.0 };
        var target = new Option<string>("--target")
        {
            Description = "What the similarity compares: eps (the paper's optimal eps-predictor) or x0 (its posterior mean, as the reference's similarity run stored)",
            DefaultValueFactory = _ => "eps",
        };
        target.AcceptOnlyFromAmong("eps", "x0");
        var grid = new Option<int>("--grid") { Description = "Number of grid times in [0, 1]", DefaultValueFactory = _ => 21 };
        var samples = new Option<int>("--samples") { Description = "(x0, eps) samples per pair of times", DefaultValueFactory = _ => 20 };
        var limit = new Option<int?>("--limit") { Description = "Use only the first N images" };
        var seed = new Option<long>("--seed") { Description = "Seed of the sampled (x0, eps)", DefaultValueFactory = _ => 0 };
        var msd = new Option<string?>("--msd") { Description = "Rewrite this .msd file's stages block in place" };
        var heatmap = new Option<string?>("--heatmap") { Description = "Write the similarity matrix as a PNG" };

        var command = new Command("cluster", "Choose stage boundaries by optimal-denoiser timestep clustering")
        {
            data, schedule, stages, method, alpha, eta, target, grid, samples, limit, seed, msd, heatmap,
        };
        command.SetAction(parsed => Run(new ClusterSettings
        {
            Data = parsed.GetValue(data)!, Schedule = parsed.GetValue(schedule), Stages = parsed.GetValue(stages),
            Method = parsed.GetValue(method)!, Alpha = parsed.GetValue(alpha), Eta = parsed.GetValue(eta), Target = parsed.GetValue(target)!,
            Grid = parsed.GetValue(grid), Samples = parsed.GetValue(samples), Limit = parsed.GetValue(limit),
            Seed = parsed.GetValue(seed), Msd = parsed.GetValue(msd), Heatmap = parsed.GetValue(heatmap),
        }, console));
        return command;
    }

    public static int Run(ClusterSettings settings, IAnsiConsole console) =>
        CommandErrors.Guard(console, () => RunUnguarded(settings, console));

    private static int RunUnguarded(ClusterSettings settings, IAnsiConsole console)
    {
        CheckArguments(settings);
        OutputPath.Check(settings.Heatmap, "--heatmap", ".png");
        if (settings.Msd is not null && MsdPath.Problem(settings.Msd) is { } problem) throw new FileNotFoundException($"{settings.Msd}: {problem}");
        // Before the clustering runs, not after: --msd rewrites the file in place.
        if (settings.Msd is not null && (File.GetAttributes(settings.Msd) & FileAttributes.ReadOnly) != 0)
            throw new UnauthorizedAccessException($"{settings.Msd} is read-only, and --msd rewrites its stages block: make it writable, or leave --msd out to print the boundaries.");
        var msd = settings.Msd is null ? null : MsdFile.Load(settings.Msd);
        // Everything about the file that can refuse it, before the clustering's minutes: a stages block of the right size.
        if (msd is not null)
        {
            try { MsdStagesRewriter.Rewrite(msd.Text, Enumerable.Range(1, settings.Stages - 1).Select(i => (double)i / settings.Stages).ToArray()); }
            catch (FormatException e) { throw new ArgumentException($"{msd.Path}: {e.Message}"); }
        }
        var (schedule, scheduleName, image) = ScheduleOf(settings, msd?.Compilation.Model, console);
        TorchNatives.Ensure(null, console.Line);
        // An image folder is read in the model's channels, as msd train reads it (grey PNGs are otherwise decoded as RGB).
        using var dataset = DatasetLoader.Load(settings.Data, new DatasetOptions { Limit = settings.Limit, ImageChannels = image?.Channels ?? 3,
                                                                                         ImageSize = image is { } i && i.Height == i.Width ? i.Height : null });
        console.Line($"data: {dataset.Count} images {dataset.Channels}x{dataset.Height}x{dataset.Width} from {settings.Data}");
        if (image is { } shape && (shape.Channels != dataset.Channels || shape.Height != dataset.Height || shape.Width != dataset.Width))
            throw new ArgumentException($"{settings.Msd} not rewritten: its model takes {shape.Channels}x{shape.Height}x{shape.Width} images, " +
                                        $"but {settings.Data} holds {dataset.Channels}x{dataset.Height}x{dataset.Width}: boundaries from these data are not the model's.");

        var result = TimestepClustering.Run(new ClusteringOptions
        {
            Data = dataset.Images, Schedule = schedule, Stages = settings.Stages, Method = MethodOf(settings.Method),
            Alpha = settings.Alpha, GridSize = settings.Grid,
            Similarity = new SimilarityOptions
            {
                SamplesPerPair = settings.Samples, Eta = settings.Eta, Seed = settings.Seed,
                Target = settings.Target == "x0" ? PredictionTarget.X0 : PredictionTarget.Eps,
            },
        });

        console.Line($"method {settings.Method}, schedule {scheduleName}, {settings.Stages} stage{(settings.Stages == 1 ? "" : "s")}, grid {settings.Grid}, {settings.Samples} samples per pair" +
                     (settings.Method is "dp" or "algorithm1" ? $", comparing {settings.Target}" : ""));
        console.Line("boundaries (t): " + string.Join(", ", result.Boundaries.Select(Number)));
        // Algorithm 1's two searches are independent: at some alpha, eta or grid they cross or reach t = 1.
        if (EmptyStage(result.Boundaries) is not null)
            throw new ArgumentException($"the boundaries {string.Join(", ", result.Boundaries.Select(Number))} do not split (0, 1) into {settings.Stages} stages " +
                                        (settings.Method == "algorithm1" ? $"(Algorithm 1 at alpha {settings.Alpha.ToString(CultureInfo.InvariantCulture)}): try another --alpha, or --method dp." : "."));
        if (result.SimilarityMatrix is not null)
            console.Line($"float32 vs float64 max difference: {result.Float64MaxDifference:E2}");
        console.Line($"time: {result.Elapsed.TotalSeconds:F1} s");

        if (settings.Heatmap is not null)
        {
            if (result.SimilarityMatrix is null) console.Line("no heatmap: the baselines measure no similarity.");
            else
            {
                SimilarityHeatmap.WritePng(settings.Heatmap, result.SimilarityMatrix, result.StageStarts);
                console.Line($"heatmap: {settings.Heatmap}");
            }
        }

        if (msd is not null)
        {
            // As written (four decimals), two boundaries at one time would leave a stage empty: the file would not compile.
            if (EmptyStage(result.Boundaries.Select(b => Math.Round(b, 4))) is var (start, end))
                throw new ArgumentException($"{settings.Msd} not rewritten: a stage [{Number(start)}, {Number(end)}) would be empty; " +
                                            "cluster on a finer --grid, or with fewer --stages.");
            // The compiler refuses a stage wholly below where the schedule's sampling ends (no sample would use it).
            if (result.Boundaries.Count > 0 && Math.Round(result.Boundaries[0], 4) is var first && first <= schedule.MinTime)
                throw new ArgumentException($"{settings.Msd} not rewritten: the first stage would end at t = {Number(first)}, at or below t = {Number(schedule.MinTime)}, " +
                                            "where the schedule's sampling ends, so no sample would use it; cluster with fewer --stages or another --method.");
            Rewrite(msd, result.Boundaries, schedule, console);
        }
        return 0;
    }

    /// <summary>
    /// With --msd, the schedule the file's model trains with, parameters included (a boundary is a time of that schedule);
    /// --schedule names one with default parameters, and must not contradict the file.
    /// </summary>
    /// <summary>The first stage [start, end) the boundaries leave empty, splitting [0, 1]; null when every stage spans time.</summary>
    private static (double Start, double End)? EmptyStage(IEnumerable<double> boundaries)
    {
        var edges = new[] { 0.0 }.Concat(boundaries).Append(1.0).ToArray();
        int i = Enumerable.Range(1, edges.Length - 1).FirstOrDefault(k => edges[k] <= edges[k - 1]);
        return i > 0 ? (edges[i - 1], edges[i]) : null;
    }

    private static (INoiseSchedule Schedule, string Name, ImageShape? Image) ScheduleOf(ClusterSettings settings, ModelSpec? model, IAnsiConsole console)
    {
        if (model is null)
        {
            // A boundary is a time of one schedule: without the file's, only a schedule the user names may be written into it.
            if (settings.Msd is not null && settings.Schedule is null)
                throw new ArgumentException($"{settings.Msd} has errors (msd check {settings.Msd} lists them), so its schedule is unknown: fix them, " +
                                            "or name the schedule to cluster with (--schedule vp|ddpm|scaled_linear|cosine|edm, with its default parameters).");
            if (settings.Msd is not null)
                console.Line($"{settings.Msd} does not compile as a whole model: clustering with --schedule {settings.Schedule} and its default parameters.");
            return (ScheduleNames.Create(settings.Schedule ?? "vp"), settings.Schedule ?? "vp", null);
        }
        var name = model.Schedule.Keyword;
        if (settings.Schedule is not null && settings.Schedule != name)
            throw new ArgumentException($"--schedule {settings.Schedule} contradicts {settings.Msd}, whose model diffuses with {name}: leave --schedule out to use the file's.");
        console.Line($"schedule: {name} as {settings.Msd} sets it");
        return (ScheduleNames.Create(model.Schedule), $"{name} (from {Path.GetFileName(settings.Msd)})", model.Image);
    }

    private static void CheckArguments(ClusterSettings s)
    {
        if (s.Stages < 1) throw new ArgumentException($"--stages must be at least 1, not {s.Stages}.");
        if (s.Grid < 2) throw new ArgumentException($"--grid must be at least 2, not {s.Grid}.");
        // The similarity matrix is grid x grid per sample pair; the paper's grid is 21.
        if (s.Grid > MaxGrid) throw new ArgumentException($"--grid must be at most {MaxGrid}, not {s.Grid} (the paper's is 21).");
        if (s.Method is "dp" or "algorithm1" && s.Stages > 1 && s.Grid < s.Stages + 1)
            throw new ArgumentException($"--grid {s.Grid} is too coarse for {s.Stages} stages: each stage needs a grid time, and the last one two.");
        if (s.Samples < 1) throw new ArgumentException($"--samples must be at least 1, not {s.Samples}.");
        if (s.Method == "algorithm1" && s.Stages != 3)
            throw new ArgumentException($"--method algorithm1 (the paper's Algorithm 1) finds exactly 2 boundaries: use --stages 3, or --method dp for {s.Stages} stages.");
        if (s.Limit is < 1) throw new ArgumentException($"--limit must be at least 1, not {s.Limit}.");
        if (!(s.Alpha > 0 && s.Alpha <= 1)) throw new ArgumentException($"--alpha must be in (0, 1], not {s.Alpha.ToString(CultureInfo.InvariantCulture)}.");
        if (!(s.Eta > 0) || double.IsInfinity(s.Eta)) throw new ArgumentException($"--eta must be positive, not {s.Eta.ToString(CultureInfo.InvariantCulture)}.");
    }

    private static void Rewrite(MsdFile msd, IReadOnlyList<double> boundaries, INoiseSchedule schedule, IAnsiConsole console)
    {
        bool sigma = MsdStagesRewriter.IsSigma(msd.Text);
        var values = sigma ? boundaries.Select(schedule.Sigma).ToArray() : boundaries.ToArray();
        MsdStagesRewriter.RewriteFile(msd.Path, values);
        console.Line($"rewrote the stages block of {msd.Path}" + (sigma ? " (in sigma)" : ""));
    }

    private static ClusteringMethod MethodOf(string name) => name switch
    {
        "dp" => ClusteringMethod.Partition,
        "algorithm1" => ClusteringMethod.Algorithm1,
        "uniform" => ClusteringMethod.Uniform,
        "logsnr" => ClusteringMethod.LogSnrKMedians,
        _ => throw new ArgumentException($"Unknown method '{name}'; expected dp, algorithm1, uniform or logsnr."),
    };

    private static string Number(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}
