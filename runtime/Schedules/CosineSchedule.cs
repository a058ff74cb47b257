using System;

namespace DiffusionDsl.Runtime.Schedules;

/// <summary>
/// The cosine schedule of Nichol and Dhariwal (2021), alpha_bar(tau) = cos^2((tau + s)/(1 + s) pi/2) / cos^2(s/(1 + s) pi/2),
/// in continuous time. t in [0, 1] maps to tau = t * maxTau: DPM-Solver stops the cosine schedule at
/// tau = 0.9946 because s_tau reaches 0 (sigma infinite) at tau = 1.
/// </summary>
public sealed class CosineSchedule : INoiseSchedule
{
    public double Offset { get; }
    public double MaxTau { get; }
    public int Steps { get; }
    public double MinTime { get; }
    private readonly double _logCosAtZero;

    public CosineSchedule(double offset = 0.008, double maxTau = 0.9946, int steps = 1000, double minTime = 1e-3)
    {
        if (maxTau <= 0 || maxTau >= 1) throw new ArgumentException("maxTau must lie in (0, 1).", nameof(maxTau));
        Offset = offset; MaxTau = maxTau; Steps = steps; MinTime = minTime;
        _logCosAtZero = Math.Log(Math.Cos(Angle(0.0)));
    }

    private double Angle(double tau) => (tau + Offset) / (1.0 + Offset) * Math.PI / 2.0;

    private double LogScale(double t) => Math.Log(Math.Cos(Angle(t * MaxTau))) - _logCosAtZero;

    public double Scale(double t) => Math.Exp(LogScale(t));
    public double Sigma(double t) => Math.Sqrt(double.ExpM1(-2.0 * LogScale(t)));

    public double TimeOfSigma(double sigma)
    {
        double logScale = -0.5 * Math.Log(1.0 + sigma * sigma);
        double angle = Math.Acos(Math.Exp(logScale + _logCosAtZero));
        double tau = angle * 2.0 / Math.PI * (1.0 + Offset) - Offset;
        return tau / MaxTau;
    }

    /// <summary>The discrete step index of an iDDPM network trained on <see cref="Steps"/> steps.</summary>
    public double NoiseLabel(double t) => t * (Steps - 1);
    public TorchSharp.torch.Tensor NoiseLabels(TorchSharp.torch.Tensor t) => t.to_type(TorchSharp.torch.ScalarType.Float32) * (double)(Steps - 1);
}
