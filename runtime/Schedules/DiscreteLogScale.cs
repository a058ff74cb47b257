using System;
using System.Collections.Generic;

namespace DiffusionDsl.Runtime.Schedules;

/// <summary>log s at grid points t_n = n / (N - 1), linearly interpolated in t, with its inverse.</summary>
internal sealed class DiscreteLogScale
{
    private readonly double[] _logScale;

    private DiscreteLogScale(double[] logScale) => _logScale = logScale;

    public static DiscreteLogScale FromBetas(IEnumerable<double> betas)
    {
        var logScale = new List<double>();
        double logAlphaBar = 0;
        foreach (var beta in betas)
        {
            logAlphaBar += Math.Log(1.0 - beta);
            logScale.Add(0.5 * logAlphaBar);
        }
        return new DiscreteLogScale(logScale.ToArray());
    }

    private int Last => _logScale.Length - 1;

    public double LogScale(double t)
    {
        double position = Math.Clamp(t, 0.0, 1.0) * Last;
        int lower = Math.Min((int)Math.Floor(position), Last - 1);
        double fraction = position - lower;
        return _logScale[lower] + fraction * (_logScale[lower + 1] - _logScale[lower]);
    }

    public double TimeOfLogScale(double logScale)
    {
        // log s decreases with n: find the segment [n, n+1] holding logScale, then interpolate.
        if (logScale >= _logScale[0]) return 0.0;
        if (logScale <= _logScale[Last]) return 1.0;
        int lo = 0, hi = Last;
        while (hi - lo > 1)
        {
            int mid = (lo + hi) / 2;
            if (_logScale[mid] >= logScale) lo = mid; else hi = mid;
        }
        double fraction = (logScale - _logScale[lo]) / (_logScale[hi] - _logScale[lo]);
        return (lo + fraction) / Last;
    }
}
