using System;

namespace DiffusionDsl.Language.Semantics;

public enum ScheduleKind { Vp, Ddpm, Cosine, Edm }

/// <summary>The noise schedule. Unused parameters keep their defaults.</summary>
public sealed record ScheduleSpec(
    ScheduleKind Kind,
    double BetaMin = 0.1, double BetaMax = 20.0,
    double BetaStart = 1e-4, double BetaEnd = 0.02, int Steps = 1000,
    double CosineOffset = 0.008,
    double SigmaMin = 0.002, double SigmaMax = 80.0, double Rho = 7.0,
    double PMean = -1.2, double PStd = 1.2, double SigmaData = 0.5)
{
    public const double CosineMaxTau = 0.9946;

    /// <summary>Whether the compiler can convert sigma to t in closed form for this schedule.</summary>
    public bool SupportsSigmaUnit => Kind != ScheduleKind.Ddpm;

    /// <summary>sigma_t of the paper's x_t = s_t x_0 + s_t sigma_t eps. Must agree with runtime/Schedules.</summary>
    public double Sigma(double t)
    {
        switch (Kind)
        {
            case ScheduleKind.Vp:
                double logAlpha = -0.25 * t * t * (BetaMax - BetaMin) - 0.5 * t * BetaMin;
                return Math.Sqrt(Math.Max(0, Math.Exp(-2 * logAlpha) - 1));
            case ScheduleKind.Cosine:
                // t in [0, 1] maps to tau = 0.9946 t, where DPM-Solver stops the cosine schedule.
                double tau = t * CosineMaxTau;
                double alphaBar = Math.Pow(Math.Cos((tau + CosineOffset) / (1 + CosineOffset) * Math.PI / 2), 2)
                                  / Math.Pow(Math.Cos(CosineOffset / (1 + CosineOffset) * Math.PI / 2), 2);
                return Math.Sqrt(Math.Max(0, 1 / Math.Max(alphaBar, 1e-300) - 1));
            case ScheduleKind.Edm:
                double a = Math.Pow(SigmaMin, 1 / Rho), b = Math.Pow(SigmaMax, 1 / Rho);
                return Math.Pow(a + t * (b - a), Rho);
            default:
                throw new NotSupportedException("sigma of a discrete DDPM schedule is not computed at compile time");
        }
    }

    /// <summary>The inverse of <see cref="Sigma"/>, by bisection (sigma is increasing in t).</summary>
    public double TimeOfSigma(double sigma)
    {
        double lo = 0, hi = 1;
        for (int i = 0; i < 200; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (Sigma(mid) < sigma) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }
}
