using System;
using System.Collections.Generic;

namespace DiffusionDsl.Runtime.Schedules;

/// <summary>
/// The betas of a discrete DDPM schedule, and where its steps sit in t: the runtime's schedule (its noise levels and its
/// training draws) and the compiler's checks (sigma's range, a stage holding a step) take both from here.
/// </summary>
public static class DdpmBetas
{
    /// <summary>
    /// beta_n for n = 0 .. steps - 1: linear from betaStart to betaEnd (Ho et al.'s), or with
    /// <paramref name="sqrtSpaced"/> (sqrt(betaStart) + (sqrt(betaEnd) - sqrt(betaStart)) n / (steps - 1))^2, latent
    /// diffusion's make_beta_schedule("linear").
    /// </summary>
    public static IEnumerable<double> Of(double betaStart, double betaEnd, int steps, bool sqrtSpaced = false)
    {
        double first = sqrtSpaced ? Math.Sqrt(betaStart) : betaStart, last = sqrtSpaced ? Math.Sqrt(betaEnd) : betaEnd;
        for (int n = 0; n < steps; n++)
        {
            double value = first + (last - first) * n / (steps - 1);
            yield return sqrtSpaced ? value * value : value;
        }
    }

    /// <summary>How far from a step a time may lie and still count as that step: rounding of a written n / (steps - 1).</summary>
    public const double StepTolerance = 1e-9;

    /// <summary>The first step n at or after <paramref name="t"/> (step n sits at t = n / (steps - 1)); a t within rounding of a step gives that step.</summary>
    public static int FirstStepFrom(double t, int steps) => (int)Math.Ceiling(t * (steps - 1) - StepTolerance);
}
