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
    /// The warm-up in steps that <paramref name="options"/> asks for: <see cref="TrainOptions.WarmupSteps"/>, or EDM's ramp
    /// over <see cref="TrainOptions.WarmupKimg"/> thousand images, which at a fixed batch is min(cur_nimg / (kimg x 1000), 1)
    /// = min(step x batch / (kimg x 1000), 1): a warm-up of kimg x 1000 / batch steps, not rounded.
    /// </summary>
    public static double Steps(TrainOptions options) =>
        options.WarmupKimg is double kimg ? kimg * 1000.0 / options.BatchSize : options.WarmupSteps;
}
