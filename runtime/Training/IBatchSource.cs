using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Training;

/// <summary>A source of training images, shape [N, C, H, W], values in [-1, 1].</summary>
public interface IBatchSource
{
    /// <summary>The next batch of <paramref name="batchSize"/> images; randomness only from <paramref name="generator"/> so runs are reproducible.</summary>
    Tensor NextBatch(int batchSize, torch.Generator? generator);

    int Channels { get; }
    int Height { get; }
    int Width { get; }
}
