using System;
using System.Collections.Generic;

namespace DiffusionDsl.Runtime.Schedules;

/// <summary>log s at grid points t_n = n / (N - 1), linearly interpolated in t, with its inverse.</summary>
internal sealed class DiscreteLogScale
{
    private readonly double[] _logScale;

    private readonly DeviceTable _table;

    private DiscreteLogScale(double[] logScale)
    {
        _logScale = logScale;
        _table = new DeviceTable(logScale);
    }

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

    /// <summary><see cref="LogScale"/> for every element of t (float64), on t's device: the same interpolation as tensor arithmetic.</summary>
    public TorchSharp.torch.Tensor LogScales(TorchSharp.torch.Tensor t)
    {
        var table = _table.On(t.device);
        var position = t.to_type(TorchSharp.torch.ScalarType.Float64).clamp(0.0, 1.0).mul((double)Last);
        var lower = position.floor().clamp_max(Last - 1);
        var fraction = position.sub(lower);
        var index = lower.to_type(TorchSharp.torch.ScalarType.Int64);
        var low = table.index_select(0, index.flatten()).view_as(position);
        var high = table.index_select(0, index.add(1).flatten()).view_as(position);
        return low.add(fraction.mul(high.sub(low)));
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
