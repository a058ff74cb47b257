using System;
using DiffusionDsl.Runtime.Schedules;
using D = DiffusionDsl.Runtime.Schedules.ScheduleDefaults;

namespace DiffusionDsl.Language.Semantics;

public enum ScheduleKind { Vp, Ddpm, Cosine, Edm }

/// <summary>The noise schedule. Unused parameters keep their defaults.</summary>
/// <param name="SqrtSpacedBetas">A discrete schedule written scaled_linear(...): latent diffusion's "linear" betas, whose square roots are spaced linearly.</param>
public sealed record ScheduleSpec(
    ScheduleKind Kind,
    double BetaMin = D.BetaMin, double BetaMax = D.BetaMax,
    double BetaStart = D.BetaStart, double BetaEnd = D.BetaEnd, int Steps = D.DdpmSteps,
    double CosineOffset = D.CosineOffset,
    double SigmaMin = D.SigmaMin, double SigmaMax = D.SigmaMax, double Rho = D.Rho,
    double PMean = D.PMean, double PStd = D.PStd, double SigmaData = D.SigmaData,
    bool SqrtSpacedBetas = false)
{
    /// <summary>The .msd's word for the schedule.</summary>
    public string Keyword => SqrtSpacedBetas ? "scaled_linear" : Kind.ToString().ToLowerInvariant();

    /// <summary>Whether the compiler can convert sigma to t in closed form for this schedule.</summary>
    public bool SupportsSigmaUnit => Kind != ScheduleKind.Ddpm;

    /// <summary>sigma_t of the paper's x_t = s_t x_0 + s_t sigma_t eps, in the closed form the runtime schedule computes with.</summary>
    public double Sigma(double t) => Kind switch
    {
        ScheduleKind.Vp => new VpClosedForm(BetaMin, BetaMax).Sigma(t),
        ScheduleKind.Cosine => new CosineClosedForm(CosineOffset).Sigma(t),
        ScheduleKind.Edm => new EdmClosedForm(SigmaMin, SigmaMax, Rho).Sigma(t),
        _ => throw new NotSupportedException("sigma of a discrete DDPM schedule is not computed at compile time"),
    };

    /// <summary>
    /// The inverse of <see cref="Sigma"/>: the runtime schedules' own closed form, so a boundary written in sigma
    /// becomes the very t that the runtime schedule's TimeOfSigma gives.
    /// </summary>
    public double TimeOfSigma(double sigma) => Kind switch
    {
        ScheduleKind.Vp => new VpClosedForm(BetaMin, BetaMax).TimeOfSigma(sigma),
        ScheduleKind.Cosine => new CosineClosedForm(CosineOffset).TimeOfSigma(sigma),
        ScheduleKind.Edm => new EdmClosedForm(SigmaMin, SigmaMax, Rho).TimeOfSigma(sigma),
        _ => throw new NotSupportedException("sigma of a discrete DDPM schedule is not computed at compile time"),
    };
}
