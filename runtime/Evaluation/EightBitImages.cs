using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Evaluation;

/// <summary>
/// Generated images as a PNG stores them: clamped to [-1, 1] and rounded to 256 levels. The reference sets are 8-bit
/// images, and FID pipelines (pytorch-fid, EDM's fid.py) score written PNGs; a sample a little outside [-1, 1], or
/// between two levels, would otherwise score apart from the same sample written and read back.
/// </summary>
public static class EightBitImages
{
    /// <summary>A new tensor: <paramref name="images"/> in [-1, 1] clamped and rounded to the nearest of 256 levels, as SampleGrid writes them.</summary>
    public static Tensor Quantise(Tensor images) => Levels(images).div_(127.5).sub_(1);

    /// <summary>A new tensor: the level 0 to 255 (as floats) each value of <paramref name="images"/> in [-1, 1] is stored as.</summary>
    public static Tensor Levels(Tensor images) => images.clamp(-1, 1).add_(1).mul_(127.5).round_();
}
