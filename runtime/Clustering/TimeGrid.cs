using System;
using System.Linq;
using DiffusionDsl.Runtime.Schedules;

namespace DiffusionDsl.Runtime.Clustering;

/// <summary>The diffusion times the similarity matrix is measured at.</summary>
public static class TimeGrid
{
    /// <summary>
    /// <paramref name="count"/> evenly spaced t in [0, 1], the first raised to the schedule's MinTime
    /// (at t = 0 sigma is 0 and the eps-denoiser is undefined).
    /// </summary>
    public static double[] Uniform(int count, INoiseSchedule schedule)
    {
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count), "A grid needs at least 2 points.");
        return Enumerable.Range(0, count).Select(i => Math.Max((double)i / (count - 1), schedule.MinTime)).ToArray();
    }
}
