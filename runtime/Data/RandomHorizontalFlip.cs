using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Data;

/// <summary>
/// score_sde's random_flip (tf.image.random_flip_left_right): each image mirrored left-right with probability 1/2.
/// </summary>
public static class RandomHorizontalFlip
{
    /// <summary>A copy of <paramref name="images"/> [N, C, H, W] with a random half of them (each by its own coin) mirrored.</summary>
    public static Tensor Apply(Tensor images, Generator generator)
    {
        using var scope = NewDisposeScope();
        var flip = rand(new long[] { images.shape[0], 1, 1, 1 }, generator: generator).lt(0.5).to(images.device);
        return where(flip, images.flip(3), images).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The generator of a training step's flips, a stream of their own (the exported train.py's seed x 1,000,033 + step,
    /// so both flip the same images): turning flips on changes no other draw, and a resumed run flips as an
    /// uninterrupted one does without saving any state.
    /// </summary>
    public static Generator ForStep(long seed, long step) => new(unchecked((ulong)(seed * 1_000_033 + step)));
}
