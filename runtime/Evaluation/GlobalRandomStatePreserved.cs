using System;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Evaluation;

/// <summary>
/// Builds a network whose random initialisation is about to be overwritten by loaded weights without drawing from
/// torch's global CPU generator: training's dropout draws from it on the CPU, so loading the feature network for
/// training evaluations would otherwise change the run it measures.
/// </summary>
internal static class GlobalRandomStatePreserved
{
    public static T Build<T>(Func<T> build)
    {
        using var global = Generator.Default;
        using var saved = global.get_state();
        try
        {
            return build();
        }
        finally
        {
            global.set_state(saved);
        }
    }
}
