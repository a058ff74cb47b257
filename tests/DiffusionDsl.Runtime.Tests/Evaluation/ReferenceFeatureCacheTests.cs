using System;
using System.IO;
using DiffusionDsl.Runtime.Evaluation;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Tests.Shared;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Evaluation;

/// <summary>
/// Reference features kept on disk between msd evaluate runs: keyed by the feature space and the reference images'
/// values, so that the same images in the same space are read back and anything else is computed anew.
/// </summary>
public sealed class ReferenceFeatureCacheTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();
    public void Dispose() => _scratch.Dispose();

    private sealed class RenamedFeatures : IFeatureExtractor
    {
        private readonly MeanPoolFeatures _inner = new();
        public string Name => "mean-pool-2x2@other-weights";
        public int Dimension => _inner.Dimension;
        public int ImageChannels => _inner.ImageChannels;
        public int ImageSize => _inner.ImageSize;
        public Tensor Features(Tensor images) => _inner.Features(images);
    }

    [Fact]
    public void TheSameImagesInTheSameSpaceAreReadBackAndAnythingElseIsComputed()
    {
        using var scope = NewDisposeScope();
        var cache = new ReferenceFeatureCache(Path.Combine(_scratch.Path, "cache"));
        var images = TinyData.Images(20, seed: 3);
        var features = new MeanPoolFeatures();

        using var first = cache.Of(features, images, out var written);
        Assert.Equal(ReferenceFeatureCache.Outcome.Written, written);
        Assert.Equal(20, features.ImagesMeasured);

        using var second = cache.Of(features, images.clone(), out var read);
        Assert.Equal(ReferenceFeatureCache.Outcome.Read, read);
        Assert.Equal(20, features.ImagesMeasured); // not measured again
        Assert.True(first.Features.Equals(second.Features));
        Assert.Equal((first.FeatureSpace, first.Count), (second.FeatureSpace, second.Count));

        // One pixel changed, or another space's name: another entry.
        var changed = images.clone();
        changed[0, 0, 0, 0] = changed[0, 0, 0, 0] + 0.5f;
        using (cache.Of(features, changed, out var other)) Assert.Equal(ReferenceFeatureCache.Outcome.Written, other);
        using (cache.Of(new RenamedFeatures(), images, out var renamed)) Assert.Equal(ReferenceFeatureCache.Outcome.Written, renamed);
        Assert.Equal(3, Directory.GetFiles(cache.Folder).Length);
    }

    [Fact]
    public void ADamagedEntryIsComputedAgain()
    {
        using var scope = NewDisposeScope();
        var cache = new ReferenceFeatureCache(Path.Combine(_scratch.Path, "damaged"));
        var images = TinyData.Images(12, seed: 4);
        using (cache.Of(new MeanPoolFeatures(), images, out _)) { }
        var entry = Assert.Single(Directory.GetFiles(cache.Folder));
        File.WriteAllBytes(entry, new byte[] { 1, 2, 3 });
        using var set = cache.Of(new MeanPoolFeatures(), images, out var outcome);
        Assert.Equal(ReferenceFeatureCache.Outcome.Written, outcome);
        Assert.Equal(12, set.Count);
    }
}
