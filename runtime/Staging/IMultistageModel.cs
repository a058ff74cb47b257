using System;
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

    /// <summary>
    /// The compiler's cost table (GFLOPs per image of each stage), from which the trainer counts training GFLOPs; null
    /// when unknown. A generated model passes its static <c>Cost</c>.
    /// </summary>
    ModelCostTable? Cost => null;

    /// <summary>How many augmentation labels the network takes (EDM's augment_dim; 0: none).</summary>
    int AugmentDim => 0;

    /// <summary>
    /// The prediction for augmented training inputs, told how each sample was augmented (labels [N, AugmentDim]).
    /// Null labels, as at sampling, mean no augmentation, the same as zero labels. A model without an augmentation
    /// input refuses labels.
    /// </summary>
    Tensor Predict(Tensor x, Tensor t, Tensor? augmentLabels) =>
        augmentLabels is null
            ? Predict(x, t)
            : throw new ArgumentException($"{GetType().Name} has no augmentation-label input (augment_dim 0) but was given labels.", nameof(augmentLabels));

    /// <summary>
    /// The prediction when the caller already knows how the batch splits into stages (<see cref="StageSplit"/>): a
    /// model that routes by stage uses it instead of reading the split from the device. This default ignores it.
    /// </summary>
    Tensor Predict(Tensor x, Tensor t, Tensor? augmentLabels, StageSplit split) => Predict(x, t, augmentLabels);
}
