using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Blocks;

/// <summary>
/// EDM's Conv2d with down=True and fused_resample=True, as NCSN++'s residual input pyramid uses it (SongUNet's
/// enc.{R}x{R}_aux_residual): a 3x3 conv padded by 2 (its own 1 plus the filter's), then the FIR filter with stride 2
/// and no padding, which takes H + 2 to H / 2. The bias is added before the filter, which sums to 1, so it passes
/// through unchanged. Parameters are named weight and bias, as EDM's, so the reference's weights load by name.
/// </summary>
public sealed class FusedDownsamplingConv : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;

    public FusedDownsamplingConv(int inChannels, int outChannels) : base(nameof(FusedDownsamplingConv))
    {
        weight = new Parameter(empty(outChannels, inChannels, 3, 3));
        bias = new Parameter(empty(outChannels));
        Initialisation.XavierUniform(weight, bias);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) =>
        Resampling.FirDown(nn.functional.conv2d(x, weight, bias, padding: new long[] { 2, 2 }), padding: 0);
}
