using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Blocks;

/// <summary>
/// How many GroupNorm groups a width gets: a fixed count, or min(MaxGroups, channels / 4) as EDM's GroupNorm
/// computes it (num_groups = min(num_groups, num_channels // min_channels_per_group)). NVlabs/edm's default cap is 32;
/// the multistage paper's networks.py lowers it to 16.
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

/// <summary>
/// GroupNorm with its affine parameters initialised to 1 and 0. TorchSharp 0.107.0's
/// nn.GroupNorm leaves them uninitialised (torch.empty), which silently scrambles training.
/// </summary>
public static class InitialisedGroupNorm
{
    public static GroupNorm Create(int channels, GroupNormRule rule, double eps = 1e-6)
    {
        var norm = nn.GroupNorm(rule.GroupsFor(channels), channels, eps);
        using (no_grad())
        {
            norm.weight!.fill_(1.0);
            norm.bias!.zero_();
        }
        return norm;
    }
}
