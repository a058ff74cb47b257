namespace DiffusionDsl.Runtime.Blocks;

/// <summary>
/// How many GroupNorm groups a width gets: a fixed count, or min(MaxGroups, channels / 4) as EDM's GroupNorm
/// computes it (num_groups = min(num_groups, num_channels // min_channels_per_group)). NVlabs/edm's default cap is 32;
/// the multistage paper's networks.py lowers it to 16. The checker and the runtime's norms both ask this rule.
/// </summary>
public sealed record GroupNormRule(int Fixed = 0, int MaxGroups = GroupNormRule.EdmMaxGroups)
{
    public const int EdmMaxGroups = 32;
    public const int PaperMaxGroups = 16;
    public const int MinChannelsPerGroup = 4;

    public static GroupNormRule Edm { get; } = new();

    public int GroupsFor(int channels) =>
        Fixed > 0 ? Fixed : System.Math.Max(1, System.Math.Min(MaxGroups, channels / MinChannelsPerGroup));
}
