using System;
using System.IO;
using System.Linq;

namespace PaperComparisons;

/// <summary>
/// `run --extend FOLDER`: a larger budget's run starts from the finished run of the same model and seed in FOLDER (a
/// smaller budget's study) instead of from scratch. Its curve's measurements (the final-count ones at its end are left:
/// that end is a point of the curve here) and its final checkpoint are copied, and training goes on to this budget's
/// steps. Nothing in the training computation depends on the run's length (the warm-up and the EMA's warm-up count steps
/// from the start, and a resumed run draws as an uninterrupted one), so the result is
/// the longer run itself, measured at more points. The earlier measurements must fall on this run's evaluation steps,
/// or its curve would mix points of two schedules: three times the budget takes three times the points.
/// </summary>
public static class StudyExtension
{
    /// <summary>Seeds this study's folder for (model, seed) from the earlier study; a folder already begun is left alone.</summary>
    public static void Seed(StudyModel model, long seed, StudySettings settings, string earlierOutput, TextWriter log)
    {
        string target = settings.Folder(model, seed);
        if (Directory.Exists(target)) return;
        string source = Path.Combine(earlierOutput, Path.GetFileName(target));
        if (!StudyRun.IsDone(source))
            throw new InvalidOperationException($"--extend: {source} holds no finished run of {model.Key}, seed {seed}, to extend.");
        var earlier = StudyPoint.ReadAll(Path.Combine(source, "points.csv"));
        string[] checkpoints = Directory.Exists(Path.Combine(source, "checkpoints"))
            ? Directory.GetFiles(Path.Combine(source, "checkpoints"), "*.ckpt").Order(StringComparer.Ordinal).ToArray()
            : Array.Empty<string>();
        if (earlier.Count == 0 || checkpoints.Length == 0)
            throw new InvalidOperationException($"--extend: {source} has no measurements or no checkpoint to go on from.");

        long steps = settings.StepsFor(model), trained = earlier.Max(p => p.Step);
        if (trained >= steps)
            throw new InvalidOperationException($"--extend: {source} trained {trained:N0} steps; this budget gives {model.Key} {steps:N0}, no more.");
        var evaluations = settings.EvaluationSteps(steps);
        // The earlier run's end was also scored at the final (and maybe the large) count; here it is a point of the curve.
        var curve = earlier.Where(p => p.Count == settings.CurveCount).Select(p => p with { Steps = steps }).ToList();
        var measuredSteps = earlier.Select(p => p.Step).Distinct().ToArray();
        var unscored = measuredSteps.Where(s => !curve.Any(p => p.Step == s)).ToArray();
        if (unscored.Length > 0)
            throw new InvalidOperationException(
                $"--extend: {source} has no measurement at N = {settings.CurveCount:N0} (this study's --curve-count) at steps " +
                $"{string.Join(", ", unscored.Select(s => s.ToString("N0")))}.");
        var offSchedule = measuredSteps.Where(s => !evaluations.Contains(s)).ToArray();
        if (offSchedule.Length > 0)
            throw new InvalidOperationException(
                $"--extend: {source} measured at steps {string.Join(", ", offSchedule.Select(s => s.ToString("N0")))}, which are not among this run's " +
                $"evaluation steps ({string.Join(", ", evaluations.Select(s => s.ToString("N0")))}); give --points in proportion to the budget " +
                "(three times the budget, three times the points).");

        // Copied into a temporary folder and moved at once: a stop halfway leaves no half-seeded run behind.
        string staging = target + ".extending";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(Path.Combine(staging, "checkpoints"));
        foreach (var point in curve) StudyPoint.Append(Path.Combine(staging, "points.csv"), point);
        File.Copy(checkpoints[^1], Path.Combine(staging, "checkpoints", Path.GetFileName(checkpoints[^1])));
        Directory.Move(staging, target);
        log.WriteLine($"{model.Key} seed {seed}: goes on from {source} ({trained:N0} steps, {curve.Count} measurements) to {steps:N0} steps");
    }
}
