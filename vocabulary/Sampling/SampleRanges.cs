namespace DiffusionDsl.Runtime.Sampling;

/// <summary>The ranges of the sample section's numeric settings, one place for the compiler and the runtime.</summary>
public static class SampleRanges
{
    public static readonly SettingRange Steps = SettingRange.Count("steps", 1);
    public static readonly SettingRange Eta = SettingRange.Between("eta", 0, true, 1, true);
    public static readonly SettingRange Count = SettingRange.Count("count", 1);
    public static readonly SettingRange Seed = SettingRange.Count("seed", 0);
    /// <summary>
    /// Where a vp, cosine or ddpm model's sampling stops (score_sde's sampling.eps): 1e-3 by default for vp; the paper's 20-step
    /// DPM-Solver figures stop at 1e-4. Past 0.1 the samples would keep visible noise.
    /// </summary>
    public static readonly SettingRange EndTime = SettingRange.Between("end_time", 0, false, 0.1, true);

    /// <summary>EDM's S_churn: the noise heun adds back at each step, spread over the steps (EDM Algorithm 2; its ImageNet runs use 40 to 80).</summary>
    public static readonly SettingRange Churn = SettingRange.Between("churn", 0, true, double.PositiveInfinity, false, zeroMeans: "deterministic heun");
    /// <summary>EDM's S_min and S_max: the noise levels sigma (of x / s_t) between which heun churns.</summary>
    public static readonly SettingRange ChurnMin = SettingRange.Between("churn_min", 0, true, double.PositiveInfinity, false, meaning: "the smallest sigma heun churns at");
    public static readonly SettingRange ChurnMax = SettingRange.Between("churn_max", 0, false, double.PositiveInfinity, true, meaning: "the largest sigma heun churns at");
    /// <summary>EDM's S_noise: the added noise's scale, slightly above 1 to offset the denoiser's tendency to remove a little too much.</summary>
    public static readonly SettingRange ChurnNoise = SettingRange.Between("churn_noise", 0, false, 2, true, meaning: "the scale of heun's added noise");
}
