using System.Globalization;

namespace DiffusionDsl.Runtime.Training;

/// <summary>
/// How long a learning-rate warm-up lasts in steps, and whether it outlasts the run: a warm-up longer than the run never
/// brings the rate to lr (EDM's CIFAR-10 ramp, 10 Mimg, is 78,125 steps at batch 128). The compiler warns of it
/// (MSD0052) and the trainer notes it when a run's steps (msd train --steps) cut the warm-up short.
/// </summary>
public static class WarmupLength
{
    /// <summary>`warmup` steps, or `warmup_kimg` thousand images at this batch.</summary>
    public static double Steps(int warmupSteps, double? warmupKimg, int batch) =>
        warmupKimg is double kimg ? kimg * 1000.0 / batch : warmupSteps;

    /// <summary>Null when the warm-up ends within <paramref name="steps"/>; else what it is and how far the rate gets.</summary>
    public static string? Outlasts(int warmupSteps, double? warmupKimg, int batch, long steps)
    {
        double length = Steps(warmupSteps, warmupKimg, batch);
        if (!(length > steps)) return null;
        // The rate of the step after k steps is lr x k / length (WarmupLearningRate): the last step's k is steps - 1.
        double reached = 100.0 * (steps - 1) / length;
        string written = warmupKimg is double kimg
            ? $"warmup_kimg {kimg.ToString(CultureInfo.InvariantCulture)} at batch {batch}"
            : $"warmup {warmupSteps}";
        return $"the learning-rate warm-up ({written}) lasts {length.ToString("N0", CultureInfo.InvariantCulture)} steps, longer than the " +
               $"run's {steps.ToString("N0", CultureInfo.InvariantCulture)}: the last step's rate is {reached.ToString(reached < 10 ? "0.0##" : "0.0", CultureInfo.InvariantCulture)}% of lr";
    }
}
