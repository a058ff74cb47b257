using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Evaluation.Inception;

/// <summary>
/// torchvision's Inception BasicConv2d: a bias-free convolution, BatchNorm (eps 0.001, running statistics) and ReLU.
/// Weights: <c>conv.weight</c> [out, in, kh, kw]; <c>bn.weight</c>, <c>bn.bias</c>, <c>bn.running_mean</c>,
/// <c>bn.running_var</c> [out] (and <c>bn.num_batches_tracked</c>, unused in evaluation).
/// </summary>
public sealed class BasicConv2d : nn.Module<Tensor, Tensor>
{
    public const double BatchNormEps = 0.001;

    private readonly Conv2d conv;
    private readonly BatchNorm2d bn;

    public int InChannels { get; }
    public int OutChannels { get; }

    public BasicConv2d(int inChannels, int outChannels, (long H, long W) kernel, (long H, long W)? stride = null, (long H, long W)? padding = null)
        : base(nameof(BasicConv2d))
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        conv = nn.Conv2d(inChannels, outChannels, kernel, stride: stride ?? (1, 1), padding: padding ?? (0, 0), bias: false);
        bn = nn.BatchNorm2d(outChannels, eps: BatchNormEps);
        register_module(nameof(conv), conv);
        register_module(nameof(bn), bn);
    }

    /// <summary>A square kernel, stride and padding.</summary>
    public BasicConv2d(int inChannels, int outChannels, int kernel, int stride = 1, int padding = 0)
        : this(inChannels, outChannels, (kernel, kernel), (stride, stride), (padding, padding)) { }

    public override Tensor forward(Tensor x) => nn.functional.relu(bn.forward(conv.forward(x)));
}
