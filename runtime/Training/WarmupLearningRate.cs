using System;

namespace DiffusionDsl.Runtime.Training;

/// <summary>
/// Linear warm-up to the base rate, then constant: the rate of the step taken after <paramref name="step"/> steps is
/// base x min(step / warmup, 1), as score_sde's losses.optimize_fn (step before its increment) and EDM's training_loop
/// (cur_nimg before the step, over lr_rampup) set it. The first step's rate is therefore 0, in both.
/// </summary>
public static class WarmupLearningRate
{
    public static double At(long step, double baseRate, double warmupSteps) =>
        warmupSteps <= 0 ? baseRate : baseRate * Math.Min(1.0, step / warmupSteps);

    /// <summary>
    /// EDM's ramp (training_loop.py): base x min(cur_nimg / (lr_rampup_kimg x 1000), 1), cur_nimg the training images
    /// seen before the step. A ramp of 0 thousand images is no warm-up.
    /// </summary>
    public static double AtImages(long imagesBefore, double baseRate, double warmupKimg) =>
        warmupKimg <= 0 ? baseRate : baseRate * Math.Min(1.0, imagesBefore / (warmupKimg * 1000.0));

    /// <summary>The rate of the next step under <paramref name="options"/>: over images with <see cref="TrainOptions.WarmupKimg"/>, else over steps.</summary>
    public static double For(TrainOptions options, long stepsBefore, long imagesBefore) =>
        options.WarmupKimg is double kimg
            ? AtImages(imagesBefore, options.LearningRate, kimg)
            : At(stepsBefore, options.LearningRate, options.WarmupSteps);
}
