using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Evaluation;

/// <summary>
/// Maps images to the feature space that sample-quality metrics (Fréchet distance, precision/recall,
/// density/coverage) are measured in.
/// </summary>
public interface IFeatureExtractor
{
    /// <summary>Names the feature space in reports (e.g. "fashion-features-128").</summary>
    string Name { get; }

    /// <summary>Length of one feature vector.</summary>
    int Dimension { get; }

    /// <summary>The channels the network was trained on.</summary>
    int ImageChannels { get; }

    /// <summary>The (square) image side the network was trained on.</summary>
    int ImageSize { get; }

    /// <summary>
    /// Features of images [N, C, H, W] with values in [-1, 1], on any device: float64 [N, Dimension] on the CPU.
    /// An extractor converts channels and resizes where it can, and otherwise throws an
    /// <see cref="System.ArgumentException"/> naming the expected and the actual shape.
    /// </summary>
    Tensor Features(Tensor images);
}
