using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Blocks.Adm;

/// <summary>ADM's Downsample with conv_resample: a 3x3 conv of stride 2 (name: op).</summary>
public sealed class AdmDownsample : AdmLayer
{
    private readonly Conv2d op;

    public override int InChannels { get; }

    public AdmDownsample(int channels) : base(nameof(AdmDownsample))
    {
        InChannels = channels;
        op = AdmInitialisation.Default(nn.Conv2d(channels, channels, 3, stride: 2, padding: 1));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor embedding) => op.forward(x);
}

/// <summary>ADM's Upsample with conv_resample: nearest-neighbour doubling, then a 3x3 conv (name: conv).</summary>
public sealed class AdmUpsample : AdmLayer
{
    private readonly Conv2d conv;

    public override int InChannels { get; }

    public AdmUpsample(int channels) : base(nameof(AdmUpsample))
    {
        InChannels = channels;
        conv = AdmInitialisation.Default(nn.Conv2d(channels, channels, 3, padding: 1));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor embedding) =>
        conv.forward(nn.functional.interpolate(x, scale_factor: new[] { 2.0, 2.0 }, mode: InterpolationMode.Nearest));
}
