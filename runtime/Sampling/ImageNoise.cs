using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Sampling;

/// <summary>
/// Each image's own noise stream, as EDM's generate.py gives every image its own seed (its StackedRandomGenerator):
/// image i of a run seeded s draws its initial noise and every step's noise from a generator seeded s x 1,000,003 + i.
/// An image then depends on the seed and its index only, not on the batch it is sampled in nor on how many are sampled;
/// with one generator for a whole batch, a stochastic solver's images changed with the batch size. The exported sample.py
/// draws the same (its ImageNoise). Draws are made on the CPU, where TorchSharp's generators live, then moved.
/// </summary>
public sealed class ImageNoise : IDisposable
{
    /// <summary>The stride between two runs' first seeds: runs of seeds s and s + 1 share no image stream below a million images.</summary>
    public const long SeedStride = 1_000_003;

    private readonly Generator[] _generators;

    /// <param name="first">The index in the whole run of the first of these <paramref name="count"/> images.</param>
    public ImageNoise(long seed, long first, int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Draw noise for at least one image.");
        _generators = Enumerable.Range(0, count).Select(i => new Generator(unchecked((ulong)(seed * SeedStride + first + i)))).ToArray();
    }

    public int Count => _generators.Length;

    /// <summary>One standard normal draw of <paramref name="imageShape"/> from each image's stream: [Count, ..imageShape] on the CPU.</summary>
    public Tensor Draw(long[] imageShape, ScalarType dtype = ScalarType.Float32)
    {
        using var scope = NewDisposeScope();
        var draws = _generators.Select(generator => randn(imageShape, dtype: dtype, generator: generator)).ToArray();
        return stack(draws).MoveToOuterDisposeScope();
    }

    /// <summary>Standard normal noise shaped like <paramref name="x"/> [Count, ...], in its dtype, on its device.</summary>
    public Tensor Like(Tensor x)
    {
        if (x.shape[0] != Count)
            throw new ArgumentException($"These streams are for {Count} images, and x holds {x.shape[0]}.", nameof(x));
        using var noise = Draw(x.shape.Skip(1).ToArray(), x.dtype);
        return HostToDevice.Copy(noise, x.device);
    }

    public void Dispose()
    {
        foreach (var generator in _generators) generator.Dispose();
    }
}
