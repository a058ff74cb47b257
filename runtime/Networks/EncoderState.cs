using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Networks;

/// <summary>What the shared encoder hands to a decoder: the features, the skips and the noise embedding.</summary>
public sealed record EncoderState(Tensor Features, IReadOnlyList<Tensor> Skips, Tensor Embedding)
{
    /// <summary>The sub-batch of the given sample indices.</summary>
    public EncoderState Select(Tensor indices) => new(
        Features.index_select(0, indices),
        Skips.Select(s => s.index_select(0, indices)).ToList(),
        Embedding.index_select(0, indices));
}
