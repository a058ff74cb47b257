using System;

namespace DiffusionDsl.Runtime.Training;

/// <summary>Linear warm-up to the base rate, then constant (score_sde's and EDM's schedule).</summary>
public static class WarmupLearningRate
{
    public static double At(long step, double baseRate, int warmupSteps) =>
        warmupSteps <= 0 ? baseRate : baseRate * Math.Min(1.0, (step + 1.0) / warmupSteps);
}
