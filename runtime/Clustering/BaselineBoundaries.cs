using System;
using System.Linq;
using DiffusionDsl.Runtime.Schedules;

namespace DiffusionDsl.Runtime.Clustering;

/// <summary>The boundary choices the paper compares against in its Table 4.</summary>
public static class BaselineBoundaries
{
    /// <summary>Equal stages in t: 1/k, 2/k, ...</summary>
    public static double[] Uniform(int stages) =>
        Enumerable.Range(1, stages - 1).Select(c => (double)c / stages).ToArray();

    /// <summary>
    /// k-medians of log-SNR over t drawn evenly in [MinTime, 1], solved exactly (1-D k-medians clusters
    /// are contiguous, so the same DP applies). Each boundary is the time whose log-SNR lies halfway
    /// between two neighbouring medians, where the nearest-median assignment changes.
    /// </summary>
    public static double[] LogSnrKMedians(INoiseSchedule schedule, int stages, int points = 1000)
    {
        if (stages < 1 || stages > points) throw new ArgumentOutOfRangeException(nameof(stages));
        double t0 = schedule.MinTime;
        var lambda = Enumerable.Range(0, points).Select(i => schedule.LogSnr(t0 + (1 - t0) * (i + 0.5) / points)).ToArray();
        Array.Sort(lambda);
        var starts = KMedians1D(lambda, stages);
        var medians = starts.Select((s, c) => Median(lambda, s, c + 1 < stages ? starts[c + 1] : points)).ToArray();
        // Medians ascend in log-SNR, i.e. descend in t.
        return Enumerable.Range(0, stages - 1)
            .Select(c => schedule.TimeOfSigma(Math.Exp(-0.25 * (medians[c] + medians[c + 1]))))
            .OrderBy(t => t).ToArray();
    }

    private static int[] KMedians1D(double[] sorted, int stages)
    {
        int n = sorted.Length;
        var prefix = new double[n + 1];
        for (int i = 0; i < n; i++) prefix[i + 1] = prefix[i] + sorted[i];
        double Cost(int begin, int end)
        {
            int m = (begin + end - 1) / 2;
            return sorted[m] * (m - begin) - (prefix[m] - prefix[begin]) + (prefix[end] - prefix[m + 1]) - sorted[m] * (end - m - 1);
        }

        var best = new double[stages + 1, n + 1];
        var from = new int[stages + 1, n + 1];
        for (int c = 0; c <= stages; c++) for (int j = 0; j <= n; j++) best[c, j] = double.PositiveInfinity;
        best[0, 0] = 0;
        for (int c = 1; c <= stages; c++)
            for (int j = c; j <= n; j++)
                for (int i = c - 1; i < j; i++)
                {
                    double cost = best[c - 1, i] + Cost(i, j);
                    if (cost < best[c, j]) { best[c, j] = cost; from[c, j] = i; }
                }
        var starts = new int[stages];
        for (int c = stages, j = n; c >= 1; c--) { starts[c - 1] = from[c, j]; j = from[c, j]; }
        return starts;
    }

    private static double Median(double[] sorted, int begin, int end) => sorted[(begin + end - 1) / 2];
}
