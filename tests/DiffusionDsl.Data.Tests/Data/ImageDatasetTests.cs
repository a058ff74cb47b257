using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Data;
using DiffusionDsl.Tests.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Data.Tests.Data;

public class ImageDatasetTests
{
    private static RawImages Ramp(int count) =>
        new(Enumerable.Range(0, count * 4).Select(i => (byte)(i / 4 * 255 / (count - 1))).ToArray(), count, 1, 2, 2);

    [Fact]
    public void ScalesPixelsToMinusOneOne()
    {
        using var data = ImageDataset.FromRaw(Ramp(5));
        Assert.Equal(-1f, data.Images.min().item<float>());
        Assert.Equal(1f, data.Images.max().item<float>());
    }

    [Fact]
    public void AnEpochServesEveryImageOnceInASeededOrder()
    {
        float[] Firsts(long seed)
        {
            using var data = ImageDataset.FromRaw(Ramp(6), new DatasetOptions { Seed = seed });
            using var a = data.NextBatch(4, null);
            using var b = data.NextBatch(2, null);
            return cat(new[] { a, b }, 0)[.., 0, 0, 0].data<float>().ToArray();
        }

        var first = Firsts(7);
        Assert.Equal(first, Firsts(7));
        Assert.NotEqual(first, Firsts(8));
        Assert.Equal(6, first.Distinct().Count());
    }

    [Fact]
    public void UsesTheCallersGenerator()
    {
        using var data = ImageDataset.FromRaw(Ramp(6));
        using var g1 = new Generator(3);
        using var g2 = new Generator(3);
        using var a = data.NextBatch(6, g1);
        using var other = ImageDataset.FromRaw(Ramp(6));
        using var b = other.NextBatch(6, g2);
        Assert.True(a.equal(b).all().item<bool>());
    }

    [Fact]
    public void FlipMirrorsSomeImagesLeftRight()
    {
        var pixels = new byte[] { 0, 255, 0, 255 };
        var raw = new RawImages(Enumerable.Repeat(pixels, 32).SelectMany(p => p).ToArray(), 32, 1, 2, 2);
        using var data = ImageDataset.FromRaw(raw, new DatasetOptions { HorizontalFlip = true, Seed = 1 });
        using var batch = data.NextBatch(32, null);
        var left = batch[.., 0, 0, 0];
        long flipped = left.gt(0).sum().item<long>();
        Assert.InRange(flipped, 4, 28);
    }

    [Fact]
    public void LoaderDetectsIdxInAFolder()
    {
        using var folder = new ScratchFolder();
        File.WriteAllBytes(folder.File("train-images-idx3-ubyte.gz"), TestFiles.Gzip(TestFiles.Idx(4, 3, 3, i => (byte)i)));
        using var data = DatasetLoader.Load(folder.Path, new DatasetOptions { Limit = 2 });
        Assert.Equal(new long[] { 2, 1, 3, 3 }, data.Images.shape);
    }
}
