using System;

namespace DiffusionDsl.Runtime.Training;

/// <summary>
/// EDM's EMA schedule (training_loop.py): the average has a half-life of <paramref name="Images"/> training images, so a
/// step of <paramref name="BatchSize"/> images decays it by 0.5^(batch / half-life); with <paramref name="RampUp"/> r &gt; 0
/// the half-life is at most r x the images seen before the step (EDM's ema_rampup_ratio, 0.05, times its cur_nimg), so
/// the first steps average little. Before any image that is no average at all: the decay is 0.
/// </summary>
public sealed record EmaHalfLife(double Images, double RampUp, int BatchSize)
{
    public double DecayAt(long imagesBefore)
    {
        double halfLife = RampUp > 0 ? Math.Min(Images, imagesBefore * RampUp) : Images;
        return Math.Pow(0.5, BatchSize / Math.Max(halfLife, 1e-8));
    }
}
