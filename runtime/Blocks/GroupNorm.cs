using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Blocks;

/// <summary>
/// GroupNorm with its affine parameters initialised to 1 and 0. TorchSharp 0.107.0's
/// nn.GroupNorm leaves them uninitialised (torch.empty), which silently scrambles training.
/// </summary>
public static class InitialisedGroupNorm
{
    /// <summary>DDPM++'s rule when groups is 0: min(32, channels / 4) groups.</summary>
    public static int GroupsFor(int channels, int groups) => groups > 0 ? groups : System.Math.Max(1, System.Math.Min(32, channels / 4));

    public static GroupNorm Create(int channels, int groups = 0, double eps = 1e-6)
    {
        var norm = nn.GroupNorm(GroupsFor(channels, groups), channels, eps);
        using (no_grad())
        {
            norm.weight!.fill_(1.0);
            norm.bias!.zero_();
        }
        return norm;
    }
}
