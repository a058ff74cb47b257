using System;

namespace DiffusionDsl.Runtime.Schedules;

/// <summary>
/// The continuous VP SDE of score_sde / DPM-Solver: log s_t = -t^2 (beta_max - beta_min) / 4 - t beta_min / 2,
/// and s_t^2 (1 + sigma_t^2) = 1.
/// </summary>
public sealed class VpSchedule : INoiseSchedule
{
    public double BetaMin { get; }
    public double BetaMax { get; }
    public double MinTime { get; }

    public VpSchedule(double betaMin = 0.1, double betaMax = 20.0, double minTime = 1e-3)
    {
        if (betaMin < 0 || betaMax < betaMin) throw new ArgumentException($"Need 0 <= betaMin <= betaMax, got {betaMin}, {betaMax}.");
        BetaMin = betaMin; BetaMax = betaMax; MinTime = minTime;
    }

    private double LogScale(double t) => -0.25 * t * t * (BetaMax - BetaMin) - 0.5 * t * BetaMin;

    public double Scale(double t) => Math.Exp(LogScale(t));

    public double Sigma(double t) => Math.Sqrt(double.ExpM1(-2.0 * LogScale(t)));

    public double TimeOfSigma(double sigma)
    {
        // Solve (beta_max - beta_min) t^2 / 4 + beta_min t / 2 = L with L = ln(1 + sigma^2) / 2 in the
        // cancellation-free form of DPM-Solver's inverse_lambda.
        double l = 0.5 * Math.Log(1.0 + sigma * sigma);
        double d = BetaMax - BetaMin;
        return 4.0 * l / (Math.Sqrt(BetaMin * BetaMin + 4.0 * d * l) + BetaMin);
    }

    /// <summary>score_sde's continuous DDPM++ models embed 999 t.</summary>
    public double NoiseLabel(double t) => 999.0 * t;
    public TorchSharp.torch.Tensor NoiseLabels(TorchSharp.torch.Tensor t) => t.to_type(TorchSharp.torch.ScalarType.Float32) * 999.0;
}
