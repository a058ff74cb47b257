using System;

namespace DiffusionDsl.Runtime.Training;

/// <summary>
/// Linear warm-up to the base rate, then constant: the rate of the step taken after <paramref name="step"/> steps is
/// base x min(step / warmup, 1), as score_sde's losses.optimize_fn (step before its increment) and EDM's training_loop
/// (cur_nimg before the step, over lr_rampup) set it. The first step's rate is therefore 0, in both.
/// </summary>
public static class WarmupLearningRate
{
    public static double At(long step, double baseRate, int warmupSteps) =>
        warmupSteps <= 0 ? baseRate : baseRate * Math.Min(1.0, (double)step / warmupSteps);
}
