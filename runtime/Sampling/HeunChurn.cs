using System;

namespace DiffusionDsl.Runtime.Sampling;

/// <summary>
/// EDM's stochastic Heun sampler (Karras et al. 2022, Algorithm 2): before each step whose noise level sigma lies in
/// [<see cref="MinSigma"/>, <see cref="MaxSigma"/>], the level is raised by a factor 1 + gamma, gamma = min(S_churn / N,
/// sqrt(2) - 1) for N sigma points, and fresh noise of standard deviation sqrt(sigma_hat^2 - sigma^2) x
/// <see cref="NoiseScale"/> is added. <see cref="Amount"/> 0 (the default) is the deterministic Algorithm 1.
/// </summary>
/// <param name="Amount">S_churn.</param>
/// <param name="MinSigma">S_min.</param>
/// <param name="MaxSigma">S_max.</param>
/// <param name="NoiseScale">S_noise.</param>
public sealed record HeunChurn(double Amount, double MinSigma = SampleDefaults.ChurnMin, double MaxSigma = SampleDefaults.ChurnMax,
                               double NoiseScale = SampleDefaults.ChurnNoise)
{
    public static HeunChurn None { get; } = new(SampleDefaults.Churn);

    public bool IsOn => Amount > 0;

    /// <summary>gamma at a step from noise level <paramref name="sigma"/>, with <paramref name="sigmaPoints"/> noisy points in all (EDM's num_steps).</summary>
    public double Gamma(double sigma, int sigmaPoints) =>
        IsOn && MinSigma <= sigma && sigma <= MaxSigma ? Math.Min(Amount / sigmaPoints, Math.Sqrt(2) - 1) : 0;

    /// <summary>Holds C# options to the sample section's ranges (the compiler holds the .msd to them).</summary>
    public void Require()
    {
        static void Check(double value, SettingRange range, string member) =>
            SettingRangeCheck.Require(value, range, $"{nameof(SampleOptions.Churn)}.{member}", "sample");
        Check(Amount, SampleRanges.Churn, nameof(Amount));
        Check(MinSigma, SampleRanges.ChurnMin, nameof(MinSigma));
        Check(MaxSigma, SampleRanges.ChurnMax, nameof(MaxSigma));
        Check(NoiseScale, SampleRanges.ChurnNoise, nameof(NoiseScale));
        if (MinSigma >= MaxSigma)
            throw new ArgumentException($"Churn.MinSigma ({MinSigma}) must be below Churn.MaxSigma ({MaxSigma}): heun churns between them.", "options");
    }
}
