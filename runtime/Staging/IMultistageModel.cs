using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Staging;

/// <summary>
/// A network that maps (x, t) to its raw prediction, routing each sample to its stage's decoder.
/// t holds diffusion times in [0, 1], one per sample.
/// </summary>
public interface IMultistageModel
{
    StageTable Stages { get; }
    Tensor Predict(Tensor x, Tensor t);
    nn.Module Module { get; }
}
