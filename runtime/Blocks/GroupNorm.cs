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
