using System.Globalization;

namespace DiffusionDsl.Runtime.Training;

/// <summary>
/// The clip, the EMA and the flips a run trains with, in a few words: for a run's header line, and recorded in its checkpoints so a
/// resumed run says when they changed (a default that follows the schedule, say, between versions).
/// </summary>
public static class TrainingRecipeText
{
    public static string ClipAndEma(TrainOptions o)
    {
        string clip = o.GradClip > 0 ? $"clip {Number(o.GradClip)}" : "no clip";
        string ema = o.EmaHalfLifeKimg is double kimg
            ? $"EMA half-life {Number(kimg)} kimg" + (o.EmaRampUp > 0 ? $" (ramp-up {Number(o.EmaRampUp)})" : "")
            : $"EMA {Number(o.EmaDecay)}" + o.EmaWarmupSteps switch
            {
                0 => "",
                TrainDefaults.EmaWarmupAlways => " (warm-up every step)",
                var n => $" (warm-up {n} steps)",
            };
        return $"{clip}, {ema}" + (o.HorizontalFlip ? ", left-right flips" : "");
    }

    /// <summary>
    /// What a checkpoint records and a resumed run compares: <see cref="ClipAndEma"/>, and the precision when it is not
    /// auto (the header line says it beside the device), so a run resumed in another arithmetic says so.
    /// </summary>
    public static string Recorded(TrainOptions o) =>
        ClipAndEma(o) + (o.Precision == MixedPrecision.Auto ? "" : $", precision {MixedPrecisionNames.Of(o.Precision)}");

    /// <summary>
    /// The batch, gradient accumulation and learning rate, recorded beside <see cref="Recorded"/> (a key of its own, so
    /// checkpoints from before it was kept say nothing): a resumed run with another batch or rate trains, but not as the
    /// uninterrupted run would have.
    /// </summary>
    public static string BatchAndLearningRate(TrainOptions o) =>
        $"batch {o.BatchSize}" + (o.GradAccumulation > 1 ? $" (accumulate {o.GradAccumulation})" : "") + $", lr {Number(o.LearningRate)}";

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
}
