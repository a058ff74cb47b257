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

    /// <summary>
    /// The inverse of <see cref="Sigma"/>, in the runtime schedules' closed forms, operation for operation, so a
    /// boundary written in sigma becomes the very t (to the last bit) that runtime/Schedules' TimeOfSigma gives.
    /// </summary>
    public double TimeOfSigma(double sigma)
    {
        switch (Kind)
        {
            case ScheduleKind.Vp:
            {
                // VpSchedule.TimeOfSigma: DPM-Solver's cancellation-free inverse_lambda.
                double l = 0.5 * Math.Log(1.0 + sigma * sigma);
                double d = BetaMax - BetaMin;
                return 4.0 * l / (Math.Sqrt(BetaMin * BetaMin + 4.0 * d * l) + BetaMin);
            }
            case ScheduleKind.Cosine:
            {
                // CosineSchedule.TimeOfSigma.
                double logCosAtZero = Math.Log(Math.Cos(CosineAngle(0.0)));
                double logScale = -0.5 * Math.Log(1.0 + sigma * sigma);
                double angle = Math.Acos(Math.Exp(logScale + logCosAtZero));
                double tau = angle * 2.0 / Math.PI * (1.0 + CosineOffset) - CosineOffset;
                return tau / CosineMaxTau;
            }
            case ScheduleKind.Edm:
            {
                // EdmSchedule.TimeOfSigma.
                double rootMin = Math.Pow(SigmaMin, 1.0 / Rho), rootMax = Math.Pow(SigmaMax, 1.0 / Rho);
                return (Math.Pow(sigma, 1.0 / Rho) - rootMin) / (rootMax - rootMin);
            }
            default:
                throw new NotSupportedException("sigma of a discrete DDPM schedule is not computed at compile time");
        }
    }

    private double CosineAngle(double tau) => (tau + CosineOffset) / (1.0 + CosineOffset) * Math.PI / 2.0;
}
