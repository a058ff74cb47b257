using System;
using System.Collections.Generic;

namespace DiffusionDsl.Runtime.Schedules;

/// <summary>The betas of a discrete DDPM schedule: the runtime's schedule and the compiler's range check both take them from here.</summary>
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
}
