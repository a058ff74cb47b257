using System;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Schedules;

/// <summary>
/// EDM (Karras et al. 2022): s_t = 1 and sigma on the rho ramp of EDM Eq. 5,
/// sigma(t) = (sigma_max^(1/rho) + (1 - t)(sigma_min^(1/rho) - sigma_max^(1/rho)))^rho, so t = 1 is sigma_max and
/// t = 0 is sigma_min, and uniform t steps are EDM's sampling steps. Training draws ln sigma ~ N(P_mean, P_std^2).
/// </summary>
public sealed class EdmSchedule : INoiseSchedule
{
    public double SigmaMin { get; }
    public double SigmaMax { get; }
    public double Rho { get; }
    public double PMean { get; }
    public double PStd { get; }
    public double SigmaData { get; }
    private readonly EdmClosedForm _form;
    private readonly double _rootMin;
    private readonly double _rootMax;
    // The untruncated lognormal's CDF at sigma_min and sigma_max, computed once: the training times' truncation.
    private readonly double _rawCdfMin;
    private readonly double _rawCdfMax;

    public EdmSchedule(double sigmaMin = ScheduleDefaults.SigmaMin, double sigmaMax = ScheduleDefaults.SigmaMax, double rho = ScheduleDefaults.Rho,
                       double pMean = ScheduleDefaults.PMean, double pStd = ScheduleDefaults.PStd, double sigmaData = ScheduleDefaults.SigmaData)
    {
        if (sigmaMin <= 0 || sigmaMax <= sigmaMin) throw new ArgumentException($"Need 0 < sigmaMin < sigmaMax, got {sigmaMin}, {sigmaMax}.");
        SigmaMin = sigmaMin; SigmaMax = sigmaMax; Rho = rho; PMean = pMean; PStd = pStd; SigmaData = sigmaData;
        _form = new EdmClosedForm(sigmaMin, sigmaMax, rho);
        _rootMin = _form.RootMin;
        _rootMax = _form.RootMax;
        _rawCdfMin = RawCdf(sigmaMin);
        _rawCdfMax = RawCdf(sigmaMax);
    }

    public double MinTime => 0.0;
    public double Scale(double t) => 1.0;
    public double Sigma(double t) => _form.Sigma(t);
    public double TimeOfSigma(double sigma) => _form.TimeOfSigma(sigma);

    /// <summary>EDM's c_noise = ln(sigma) / 4.</summary>
    public double NoiseLabel(double t) => Math.Log(Sigma(t)) / 4.0;
    public Tensor NoiseLabels(Tensor t) => (t.to_type(ScalarType.Float64) * (_rootMax - _rootMin) + _rootMin).log().mul(Rho / 4.0).to_type(ScalarType.Float32);

    public Tensor Scales(Tensor t) => ones(t.shape, dtype: ScalarType.Float64, device: t.device);

    /// <summary>EdmClosedForm.Sigma in float64 on t's device.</summary>
    public Tensor Sigmas(Tensor t) => t.to_type(ScalarType.Float64).mul(_rootMax - _rootMin).add(_rootMin).pow(Rho);

    /// <summary><see cref="TrainingQuantile(double)"/> for every element of p, on p's device (no host reads).</summary>
    public Tensor TrainingQuantiles(Tensor p)
    {
        var z = special.ndtri(p.to_type(ScalarType.Float64).clamp(0.0, 1.0).mul(_rawCdfMax - _rawCdfMin).add(_rawCdfMin));
        var sigma = z.mul(PStd).add(PMean).exp();
        return sigma.pow(1.0 / Rho).sub(_rootMin).div(_rootMax - _rootMin).clamp(0.0, 1.0);
    }

    public double TrainingCdf(double t)
    {
        if (t <= 0) return 0.0;
        if (t >= 1) return 1.0;
        using var z = tensor((Math.Log(Sigma(t)) - PMean) / PStd, dtype: ScalarType.Float64);
        using var p = special.ndtr(z);
        return Normalise(HostReads.Item<double>(p, "EdmSchedule.TrainingCdf"));
    }

    public double TrainingQuantile(double p)
    {
        // The lognormal restricted to [sigma_min, sigma_max]: its mass outside is about 1e-5.
        double raw = Denormalise(Math.Clamp(p, 0.0, 1.0));
        using var u = tensor(raw, dtype: ScalarType.Float64);
        using var z = special.ndtri(u);
        return Math.Clamp(TimeOfSigma(Math.Exp(PMean + PStd * HostReads.Item<double>(z, "EdmSchedule.TrainingQuantile"))), 0.0, 1.0);
    }

    private double RawCdf(double sigma)
    {
        using var z = tensor((Math.Log(sigma) - PMean) / PStd, dtype: ScalarType.Float64);
        using var p = special.ndtr(z);
        return HostReads.Item<double>(p, "EdmSchedule.RawCdf");
    }

    private double Normalise(double raw) => (raw - _rawCdfMin) / (_rawCdfMax - _rawCdfMin);
    private double Denormalise(double p) => _rawCdfMin + p * (_rawCdfMax - _rawCdfMin);
}
