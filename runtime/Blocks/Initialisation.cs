using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Blocks;

/// <summary>
/// EDM's weight_init as SongUNet (DDPM++) configures it: every Conv2d and Linear is xavier_uniform,
/// U(-b, b) with b = sqrt(6 / (fan_in + fan_out)) and fan = channels x kernel area, times the layer's
/// init_weight (1; 1e-5 for init_zero; sqrt(0.2) for init_attn); every bias starts at zero (init_bias 0).
/// </summary>
public static class Initialisation
{
    /// <summary>init: the default for convolutions and linear layers.</summary>
    public const double Default = 1.0;

    /// <summary>init_zero: the last conv of each residual branch, attention's proj and the output conv, so each starts near identity.</summary>
    public const double NearZero = 1e-5;

    /// <summary>init_attn: attention's qkv projection.</summary>
    public static readonly double Attention = Math.Sqrt(0.2);

    public static Conv2d XavierUniform(Conv2d conv, double scale = Default)
    {
        Apply(conv.weight!, conv.bias, scale);
        return conv;
    }

    public static Linear XavierUniform(Linear linear, double scale = Default)
    {
        Apply(linear.weight!, linear.bias, scale);
        return linear;
    }

    /// <summary>The same for a layer held as bare parameters ([out, in, kh, kw] weight, optional bias).</summary>
    public static void XavierUniform(Tensor weight, Tensor? bias, double scale = Default) => Apply(weight, bias, scale);

    /// <summary>The bound of xavier_uniform for a weight of this shape ([out, in] or [out, in, kh, kw]).</summary>
    public static double XavierBound(long[] shape) => Math.Sqrt(6.0 / (FanIn(shape) + FanOut(shape)));

    /// <summary>Input channels times kernel area of a weight [out, in] or [out, in, k...]: PyTorch's fan_in.</summary>
    public static double FanIn(long[] shape) => shape[1] * ReceptiveField(shape);

    private static double FanOut(long[] shape) => shape[0] * ReceptiveField(shape);

    private static long ReceptiveField(long[] shape)
    {
        long receptive = 1;
        for (int i = 2; i < shape.Length; i++) receptive *= shape[i];
        return receptive;
    }

    private static void Apply(Tensor weight, Tensor? bias, double scale)
    {
        double bound = XavierBound(weight.shape);
        using (no_grad())
        {
            weight.uniform_(-bound, bound).mul_(scale);
            bias?.zero_();
        }
    }
}
