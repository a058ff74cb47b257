using System;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Blocks.Adm;

/// <summary>
/// ADM's initialisation, which is PyTorch's default for Conv and Linear layers (kaiming_uniform with a = sqrt(5): weight
/// and bias both U(-1/sqrt(fan_in), 1/sqrt(fan_in))), and its zero_module for the last conv of each residual branch,
/// attention's proj_out and the output conv. Written out rather than left to TorchSharp's constructors, so the
/// distribution is the reference's by construction.
/// </summary>
internal static class AdmInitialisation
{
    public static T Default<T>(T module) where T : nn.Module
    {
        var (weight, bias) = WeightAndBias(module);
        double bound = 1.0 / Math.Sqrt(Initialisation.FanIn(weight.shape));
        using (no_grad())
        {
            weight.uniform_(-bound, bound);
            bias?.uniform_(-bound, bound);
        }
        return module;
    }

    public static T Zero<T>(T module) where T : nn.Module
    {
        var (weight, bias) = WeightAndBias(module);
        using (no_grad())
        {
            weight.zero_();
            bias?.zero_();
        }
        return module;
    }

    private static (Tensor Weight, Tensor? Bias) WeightAndBias(nn.Module module) => module switch
    {
        TorchSharp.Modules.Conv1d c => (c.weight!, c.bias),
        TorchSharp.Modules.Conv2d c => (c.weight!, c.bias),
        TorchSharp.Modules.Linear l => (l.weight!, l.bias),
        _ => throw new ArgumentException($"{module.GetType().Name} has no weight to initialise.", nameof(module)),
    };

    /// <summary>GroupNorm32: 32 groups (or the .msd's rule), PyTorch's eps 1e-5, weight 1 and bias 0.</summary>
    public static TorchSharp.Modules.GroupNorm Norm(int channels, GroupNormRule rule) => InitialisedGroupNorm.Create(channels, rule, eps: 1e-5);
}
