using System;

namespace DiffusionDsl.Runtime.Schedules;

/// <summary>The continuous VP SDE of score_sde / DPM-Solver (<see cref="VpClosedForm"/>).</summary>
public sealed class VpSchedule : INoiseSchedule
{
    public double BetaMin { get; }
    public double BetaMax { get; }
    public double MinTime { get; }
    private readonly VpClosedForm _form;

    public VpSchedule(double betaMin = ScheduleDefaults.BetaMin, double betaMax = ScheduleDefaults.BetaMax, double minTime = ScheduleDefaults.MinTime)
    {
        if (betaMin < 0 || betaMax < betaMin) throw new ArgumentException($"Need 0 <= betaMin <= betaMax, got {betaMin}, {betaMax}.");
        BetaMin = betaMin; BetaMax = betaMax; MinTime = minTime;
        _form = new VpClosedForm(betaMin, betaMax);
    }

    public double Scale(double t) => Math.Exp(_form.LogScale(t));

    public double Sigma(double t) => _form.Sigma(t);

    public double TimeOfSigma(double sigma) => _form.TimeOfSigma(sigma);

    /// <summary>
    /// score_sde's training loss draws t from [1e-5, 1] (losses.py's eps; the multistage runs map each stage's interval
    /// into it), below the 1e-3 (or, for DPM-Solver's 20-step runs, 1e-4) where sampling ends.
    /// </summary>
    public double TrainingMinTime => Math.Min(MinTime, ScheduleDefaults.VpTrainingMinTime);

    /// <summary>score_sde's continuous DDPM++ models embed 999 t.</summary>
    public double NoiseLabel(double t) => 999.0 * t;
    public TorchSharp.torch.Tensor NoiseLabels(TorchSharp.torch.Tensor t) => t.to_type(TorchSharp.torch.ScalarType.Float32) * 999.0;

    // VpClosedForm's arithmetic, operation for operation, in float64 on t's device.
    private TorchSharp.torch.Tensor LogScales(TorchSharp.torch.Tensor t)
    {
        var t64 = t.to_type(TorchSharp.torch.ScalarType.Float64);
        return t64.mul(-0.25).mul(t64).mul(BetaMax - BetaMin).sub(t64.mul(0.5).mul(BetaMin));
    }

    public TorchSharp.torch.Tensor Scales(TorchSharp.torch.Tensor t) => LogScales(t).exp();
    public TorchSharp.torch.Tensor Sigmas(TorchSharp.torch.Tensor t) => LogScales(t).mul(-2.0).exp().sub(1.0).sqrt();
}
