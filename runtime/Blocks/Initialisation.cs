using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Blocks;

/// <summary>EDM starts residual branches near zero (init_weight 1e-5) so each block begins as an identity.</summary>
public static class Initialisation
{
    public static void ScaleWeights(Conv2d conv, double scale)
    {
        using (no_grad())
        {
            conv.weight!.mul_(scale);
            conv.bias?.zero_();
        }
    }
}
