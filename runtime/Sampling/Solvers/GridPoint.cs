using System;
using DiffusionDsl.Runtime.Schedules;

namespace DiffusionDsl.Runtime.Sampling.Solvers;

/// <summary>
/// A point of a sampling grid: time t, s_t and sigma_t. In DPM-Solver's notation alpha_t = s_t,
/// its sigma_t = s_t sigma_t, and its lambda_t = -ln sigma_t (half the log-SNR).
/// </summary>
public readonly record struct GridPoint(double T, double Scale, double Sigma)
{
    /// <summary>Clean data: the end point of solvers that finish with a full denoising step.</summary>
    public static GridPoint Clean => new(0.0, 1.0, 0.0);

    public static GridPoint At(INoiseSchedule schedule, double t) => new(t, schedule.Scale(t), schedule.Sigma(t));

    public bool IsClean => Sigma == 0.0;
    public double Lambda => -Math.Log(Sigma);
    public double Alpha => Scale;
    public double NoiseStd => Scale * Sigma;

    /// <summary>The variance-preserving coefficients a = 1/sqrt(1 + sigma^2), b = sigma a of z = a x0 + b eps.</summary>
    public double VpSignal => 1.0 / Math.Sqrt(1.0 + Sigma * Sigma);
    public double VpNoise => Sigma * VpSignal;
}
