using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Blocks.Adm;

/// <summary>
/// One layer of an ADM block sequence (openaimodel.py's TimestepEmbedSequential): it takes the features and the noise
/// embedding, and layers that do not use the embedding ignore it.
/// </summary>
public abstract class AdmLayer : nn.Module<Tensor, Tensor, Tensor>
{
    protected AdmLayer(string name) : base(name) { }

    public abstract int InChannels { get; }
}
