using System;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Training.Augmentation;

/// <summary>
/// EDM's non-leaking augmentation (training/augment.py with train.py's settings): with probability p per transform,
/// a sample is flipped, scaled, rotated, stretched and shifted, and the network is told how through nine labels
/// (<see cref="AugmentLabels"/>) so that it learns the augmented distribution as a separate conditional one and
/// samples un-augmented images when the labels are zero.
/// </summary>
public sealed class EdmAugmentPipe
{
    public double Probability { get; }
    public AugmentSettings Settings { get; }

    public EdmAugmentPipe(double probability, AugmentSettings? settings = null)
    {
        if (!(probability >= 0 && probability <= 1))
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "The augmentation probability must be in [0, 1].");
        Probability = probability;
        Settings = settings ?? AugmentSettings.Edm;
    }

    /// <summary>
    /// Augments a batch [N, C, H, W] with transforms drawn from <paramref name="generator"/>; returns the images (same
    /// shape, dtype and device) and their labels [N, 9] (float32, same device).
    /// </summary>
    public (Tensor Images, Tensor Labels) Augment(Tensor images, Generator? generator)
    {
        using var drawn = AugmentSampler.Draw(images.shape[0], Probability, Settings, generator);
        // Nothing can need the warp when no transform that resamples can be drawn.
        return Apply(images, drawn, warp: Probability > 0 && Settings.Resamples);
    }

    /// <summary>Applies given per-sample transforms (no randomness): x-flip, y-flip, then the geometric transform.</summary>
    public (Tensor Images, Tensor Labels) Apply(Tensor images, AugmentParameters parameters) => Apply(images, parameters, warp: true);

    private (Tensor Images, Tensor Labels) Apply(Tensor images, AugmentParameters parameters, bool warp)
    {
        if (images.dim() != 4) throw new ArgumentException($"Expected images of shape [N, C, H, W], got [{string.Join(", ", images.shape)}].", nameof(images));
        if (parameters.Count != images.shape[0])
            throw new ArgumentException($"{parameters.Count} augmentation parameters for a batch of {images.shape[0]}.", nameof(parameters));
        using var scope = NewDisposeScope();
        var p = parameters.To(images.device);
        var result = Flip(images, p.XFlip, 3);
        result = Flip(result, p.YFlip, 2);
        // The warp runs on the whole batch rather than after reading back whether some sample needs it (a host-device
        // synchronisation per step); the samples without scale, rotation, stretch or shift keep their pixels exactly.
        // (EDM's AugmentPipe resamples those too, which leaves them within the reference tests' 2e-6:
        // EdmAugmentReferenceTests' identity and flips cases.)
        if (warp)
        {
            var warped = GeometricWarp.Apply(result, GeometricTransform.Inverse(p, Settings, images.shape[2], images.shape[3]));
            result = where(p.NeedsResampling().view(-1, 1, 1, 1), warped, result);
        }
        var labels = AugmentLabels.Of(p);
        return (result.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }

    private static Tensor Flip(Tensor images, Tensor flag, long dim)
    {
        using var chosen = flag.eq(1).view(-1, 1, 1, 1);
        using var flipped = images.flip(dim);
        return where(chosen, flipped, images);
    }
}
