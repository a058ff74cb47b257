using System.Collections.Generic;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Blocks.Adm;

/// <summary>
/// openaimodel.py's TimestepEmbedSequential: one entry of input_blocks, middle_block or output_blocks, its layers
/// named "0", "1", ... in order (a residual block, then its attention, then a resampling conv).
/// </summary>
public sealed class AdmSequence : AdmLayer
{
    private readonly List<AdmLayer> _layers = new();

    public AdmSequence() : base(nameof(AdmSequence)) { }

    public override int InChannels => _layers[0].InChannels;

    public AdmSequence Add(AdmLayer layer)
    {
        register_module(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        _layers.Add(layer);
        return this;
    }

    public override Tensor forward(Tensor x, Tensor embedding)
    {
        foreach (var layer in _layers) x = layer.forward(x, embedding);
        return x;
    }
}
