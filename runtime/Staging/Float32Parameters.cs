using System;
using System.Linq;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Staging;

/// <summary>
/// The trainer and the sampler work on float32 parameters (bf16 only under autocast, with float32 master weights): their
/// noise, schedules and losses are float32. A model converted with to(float64) or to(bfloat16) is refused by name,
/// rather than failing deep in a convolution on mixed dtypes.
/// </summary>
public static class Float32Parameters
{
    public static void Require(nn.Module module, string what)
    {
        var other = module.parameters().Select(p => p.dtype).FirstOrDefault(d => d != ScalarType.Float32, ScalarType.Float32);
        if (other != ScalarType.Float32)
            throw new ArgumentException($"{what} takes a model with float32 parameters; this one's are {other}: convert it back with " +
                                        "model.to(ScalarType.Float32) (bf16 training is TrainOptions.Precision, which keeps float32 weights).", "model");
    }
}
