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
    private readonly CosineClosedForm _form;
    private readonly double _logCosAtZero;

    public CosineSchedule(double offset = ScheduleDefaults.CosineOffset, double maxTau = ScheduleDefaults.CosineMaxTau, int steps = 1000, double minTime = ScheduleDefaults.MinTime)
    {
        if (maxTau <= 0 || maxTau >= 1) throw new ArgumentException("maxTau must lie in (0, 1).", nameof(maxTau));
        Offset = offset; MaxTau = maxTau; Steps = steps; MinTime = minTime;
        _form = new CosineClosedForm(offset, maxTau);
        _logCosAtZero = Math.Log(Math.Cos(offset / (1.0 + offset) * Math.PI / 2.0));
    }

    public double Scale(double t) => Math.Exp(_form.LogScale(t));
    public double Sigma(double t) => _form.Sigma(t);
    public double TimeOfSigma(double sigma) => _form.TimeOfSigma(sigma);

    /// <summary>
    /// The noise label: t scaled to [0, Steps - 1], the range of an iDDPM network's discrete step index (this tool's
    /// networks learn it as such; it is not iDDPM's own index for the same noise level, which also rescales t by the
    /// schedule's clipped range).
    /// </summary>
    public double NoiseLabel(double t) => t * (Steps - 1);
    public TorchSharp.torch.Tensor NoiseLabels(TorchSharp.torch.Tensor t) => t.to_type(TorchSharp.torch.ScalarType.Float32) * (double)(Steps - 1);

    // CosineClosedForm's arithmetic in float64 on t's device.
    private TorchSharp.torch.Tensor LogScales(TorchSharp.torch.Tensor t) =>
        t.to_type(TorchSharp.torch.ScalarType.Float64).mul(MaxTau).add(Offset).div(1.0 + Offset).mul(Math.PI).div(2.0).cos().log().sub(_logCosAtZero);

    public TorchSharp.torch.Tensor Scales(TorchSharp.torch.Tensor t) => LogScales(t).exp();
    public TorchSharp.torch.Tensor Sigmas(TorchSharp.torch.Tensor t) => LogScales(t).mul(-2.0).exp().sub(1.0).sqrt();
}
