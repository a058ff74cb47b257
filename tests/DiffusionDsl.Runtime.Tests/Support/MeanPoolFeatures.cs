using System;
using DiffusionDsl.Runtime.Evaluation;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Support;

/// <summary>
/// A fast stand-in for a feature network: each image's mean over each quarter (2x2 average pooling), C x 4 features.
/// Refuses images of another shape, as the IFeatureExtractor contract says (an ArgumentException naming both shapes).
/// </summary>
internal sealed class MeanPoolFeatures : IFeatureExtractor
{
    public MeanPoolFeatures(int channels = 1, int size = 8) { ImageChannels = channels; ImageSize = size; }

    public string Name => "mean-pool-2x2";
    public int Dimension => ImageChannels * 4;
    public int ImageChannels { get; }
    public int ImageSize { get; }

    /// <summary>How many images <see cref="Features"/> has been given.</summary>
    public long ImagesMeasured { get; private set; }

    public Tensor Features(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] != ImageChannels || images.shape[2] != ImageSize || images.shape[3] != ImageSize)
            throw new ArgumentException($"{Name} expects images [N, {ImageChannels}, {ImageSize}, {ImageSize}], got [{string.Join(", ", images.shape)}].", nameof(images));
        ImagesMeasured += images.shape[0];
        using var scope = NewDisposeScope();
        return nn.functional.avg_pool2d(images.to(ScalarType.Float64, CPU), ImageSize / 2).flatten(1).MoveToOuterDisposeScope();
    }
}
