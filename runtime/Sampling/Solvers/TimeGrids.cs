using System;
using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Runtime.Schedules;

namespace DiffusionDsl.Runtime.Sampling.Solvers;

/// <summary>Descending sampling grids from t = 1 to an end time (the schedule's MinTime unless the sampler overrides it).</summary>
public static class TimeGrids
{
    /// <summary>n points uniform in t (DDPM/DDIM's "uniform" spacing).</summary>
    public static List<GridPoint> UniformTime(INoiseSchedule schedule, int n, double endTime) =>
        Ramp(n).Select(u => GridPoint.At(schedule, 1.0 + u * (endTime - 1.0))).ToList();

    /// <summary>
    /// n points uniform in sigma^(1/rho) (EDM Eq. 5): rho is the edm schedule's own (EDM's sampler takes the rho of its
    /// discretisation, 7 by default), so for that schedule the grid is uniform in t; 7 for the others, as EDM samples them.
    /// </summary>
    public static List<GridPoint> KarrasSigma(INoiseSchedule schedule, int n, double endTime)
    {
        double rho = (schedule as EdmSchedule)?.Rho ?? 7.0;
        double maxRoot = Math.Pow(schedule.Sigma(1.0), 1.0 / rho);
        double minRoot = Math.Pow(schedule.Sigma(endTime), 1.0 / rho);
        return Ramp(n).Select(u => u switch
        {
            0.0 => GridPoint.At(schedule, 1.0),
            1.0 => GridPoint.At(schedule, endTime),
            _ => GridPoint.At(schedule, schedule.TimeOfSigma(Math.Pow(maxRoot + u * (minRoot - maxRoot), rho))),
        }).ToList();
    }

    /// <summary>n points uniform in lambda = -ln sigma (DPM-Solver's "logSNR" skip type).</summary>
    public static List<GridPoint> UniformLogSnr(INoiseSchedule schedule, int n, double endTime)
    {
        double start = -Math.Log(schedule.Sigma(1.0)), end = -Math.Log(schedule.Sigma(endTime));
        return Ramp(n).Select(u => u switch
        {
            0.0 => GridPoint.At(schedule, 1.0),
            1.0 => GridPoint.At(schedule, endTime),
            _ => AtLambda(schedule, start + u * (end - start)),
        }).ToList();
    }

    /// <summary>n points by a DPM solver's <paramref name="spacing"/>: uniform in lambda, or uniform in t.</summary>
    public static List<GridPoint> Spaced(TimeSpacing spacing, INoiseSchedule schedule, int n, double endTime) =>
        spacing == TimeSpacing.Time ? UniformTime(schedule, n, endTime) : UniformLogSnr(schedule, n, endTime);

    /// <summary>The grid point where lambda = -ln sigma takes the given value.</summary>
    public static GridPoint AtLambda(INoiseSchedule schedule, double lambda) => GridPoint.At(schedule, schedule.TimeOfLogSnr(2.0 * lambda));

    private static IEnumerable<double> Ramp(int n)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), "A grid needs at least one point.");
        if (n == 1) return new[] { 0.0 };
        return Enumerable.Range(0, n).Select(i => i == n - 1 ? 1.0 : (double)i / (n - 1));
    }
}
