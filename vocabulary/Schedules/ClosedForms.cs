using System;

namespace DiffusionDsl.Runtime.Schedules;

/// <summary>
/// The schedule parameters' defaults: the .msd's vp(...), ddpm(...), cosine(...) and edm(...) without an argument, and
/// the runtime schedules' constructors.
/// </summary>
public static class ScheduleDefaults
{
    public const double BetaMin = 0.1, BetaMax = 20.0;
    public const double BetaStart = 1e-4, BetaEnd = 0.02;
    public const int DdpmSteps = 1000;
    public const double CosineOffset = 0.008;
    /// <summary>t in [0, 1] maps to tau = 0.9946 t, where DPM-Solver stops the cosine schedule.</summary>
    public const double CosineMaxTau = 0.9946;
    /// <summary>The smallest time the continuous VP and cosine schedules sample down to (score_sde's sampling eps).</summary>
    public const double MinTime = 1e-3;
    /// <summary>The smallest time the continuous VP schedule trains at (score_sde's losses.py eps).</summary>
    public const double VpTrainingMinTime = 1e-5;
    public const double SigmaMin = 0.002, SigmaMax = 80.0, Rho = 7.0, PMean = -1.2, PStd = 1.2, SigmaData = 0.5;
}

/// <summary>
/// The continuous VP SDE of score_sde / DPM-Solver in closed form: log s_t = -t^2 (beta_max - beta_min) / 4 - t beta_min / 2,
/// and s_t^2 (1 + sigma_t^2) = 1. The compiler converts `stages in sigma` with it and VpSchedule computes with it, so a
/// boundary's t is the same to the last bit on both sides.
/// </summary>
public readonly struct VpClosedForm
{
    public VpClosedForm(double betaMin, double betaMax) { BetaMin = betaMin; BetaMax = betaMax; }

    public double BetaMin { get; }
    public double BetaMax { get; }

    public double LogScale(double t) => -0.25 * t * t * (BetaMax - BetaMin) - 0.5 * t * BetaMin;

    public double Sigma(double t) => Math.Sqrt(ClosedForm.ExpM1(-2.0 * LogScale(t)));

    public double TimeOfSigma(double sigma)
    {
        // Solve (beta_max - beta_min) t^2 / 4 + beta_min t / 2 = L with L = ln(1 + sigma^2) / 2 in the
        // cancellation-free form of DPM-Solver's inverse_lambda.
        double l = 0.5 * Math.Log(1.0 + sigma * sigma);
        double d = BetaMax - BetaMin;
        return 4.0 * l / (Math.Sqrt(BetaMin * BetaMin + 4.0 * d * l) + BetaMin);
    }
}

/// <summary>
/// The cosine schedule of Nichol and Dhariwal (2021) in continuous time, alpha_bar(tau) = cos^2((tau + s)/(1 + s) pi/2) /
/// cos^2(s/(1 + s) pi/2), with t in [0, 1] mapped to tau = t * maxTau.
/// </summary>
public readonly struct CosineClosedForm
{
    private readonly double _logCosAtZero;

    public CosineClosedForm(double offset, double maxTau = ScheduleDefaults.CosineMaxTau)
    {
        Offset = offset; MaxTau = maxTau;
        _logCosAtZero = 0;
        _logCosAtZero = Math.Log(Math.Cos(Angle(0.0)));
    }

    public double Offset { get; }
    public double MaxTau { get; }

    private double Angle(double tau) => (tau + Offset) / (1.0 + Offset) * Math.PI / 2.0;

    public double LogScale(double t) => Math.Log(Math.Cos(Angle(t * MaxTau))) - _logCosAtZero;

    public double Sigma(double t) => Math.Sqrt(ClosedForm.ExpM1(-2.0 * LogScale(t)));

    public double TimeOfSigma(double sigma)
    {
        double logScale = -0.5 * Math.Log(1.0 + sigma * sigma);
        double angle = Math.Acos(Math.Exp(logScale + _logCosAtZero));
        double tau = angle * 2.0 / Math.PI * (1.0 + Offset) - Offset;
        return tau / MaxTau;
    }
}

/// <summary>EDM's rho ramp (Karras et al. 2022, Eq. 5): sigma(t) = (sigma_min^(1/rho) + t (sigma_max^(1/rho) - sigma_min^(1/rho)))^rho.</summary>
public readonly struct EdmClosedForm
{
    public EdmClosedForm(double sigmaMin, double sigmaMax, double rho)
    {
        Rho = rho;
        RootMin = Math.Pow(sigmaMin, 1.0 / rho);
        RootMax = Math.Pow(sigmaMax, 1.0 / rho);
    }

    public double Rho { get; }
    public double RootMin { get; }
    public double RootMax { get; }

    public double Sigma(double t) => Math.Pow(RootMin + t * (RootMax - RootMin), Rho);

    public double TimeOfSigma(double sigma) => (Math.Pow(sigma, 1.0 / Rho) - RootMin) / (RootMax - RootMin);
}

internal static class ClosedForm
{
    /// <summary>exp(x) - 1, exactly as .NET's double.ExpM1 computes it (which is Math.Exp(x) - 1; netstandard2.0 has no ExpM1).</summary>
    public static double ExpM1(double x) => Math.Exp(x) - 1.0;
}
