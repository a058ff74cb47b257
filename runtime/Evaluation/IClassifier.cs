using System.Collections.Generic;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Evaluation;

/// <summary>A feature extractor that also classifies: class histograms and their entropy for labelled data.</summary>
public interface IClassifier : IFeatureExtractor
{
    int Classes { get; }

    IReadOnlyList<string> ClassNames { get; }

    /// <summary>Class logits [N, Classes] (float32, on the network's device) of images [N, C, H, W] in [-1, 1].</summary>
    Tensor Logits(Tensor images);
}
