namespace DiffusionDsl.Runtime.Sampling;

/// <summary>The ranges of the sample section's numeric settings, one place for the compiler and the runtime.</summary>
public static class SampleRanges
{
    public static readonly SettingRange Steps = SettingRange.Count("steps", 1);
    public static readonly SettingRange Eta = SettingRange.Between("eta", 0, true, 1, true);
    public static readonly SettingRange Count = SettingRange.Count("count", 1);
    public static readonly SettingRange Seed = SettingRange.Count("seed", 0);
}
