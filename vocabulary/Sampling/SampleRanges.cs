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
}
