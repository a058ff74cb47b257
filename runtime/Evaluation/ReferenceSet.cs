using System;
using System.Collections.Concurrent;
using System.IO;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Evaluation;

/// <summary>
/// The features of a reference image set (usually Fashion-MNIST's held-out test images) in one feature space,
/// computed once, with their statistics. <see cref="FashionMnistTest"/> caches them per process.
/// </summary>
public sealed class ReferenceSet : IDisposable
{
    private static readonly ConcurrentDictionary<(string Extractor, string Folder, int? Count), Lazy<ReferenceSet>> Cache = new();

    // A cached set belongs to the process-wide cache: its holders share it, and Dispose leaves it alone.
    private bool _shared;

    /// <summary>Float64 features [N, D] on the CPU (kept alive by this object; do not dispose).</summary>
    public Tensor Features { get; }
    public FeatureStatistics Statistics { get; }
    public string FeatureSpace { get; }
    public int Count => Statistics.Count;

    private readonly ConcurrentDictionary<int, Lazy<Tensor>> _knnRadii = new();

    /// <summary>
    /// Each reference feature's k-NN radius (<see cref="ManifoldMetrics.KnnRadii"/>), computed once per k: the
    /// N x N distances behind it are the costliest part of scoring against a large reference set.
    /// </summary>
    public Tensor KnnRadii(int k) =>
        _knnRadii.GetOrAdd(k, key => new Lazy<Tensor>(() =>
        {
            using var scope = NewDisposeScope();
            return ManifoldMetrics.KnnRadii(Features, key).DetachFromDisposeScope();
        })).Value;

    public ReferenceSet(string featureSpace, Tensor features)
    {
        FeatureSpace = featureSpace;
        using (NewDisposeScope())
            Features = features.detach().to(ScalarType.Float64, CPU).clone().DetachFromDisposeScope(); // its own copy
        try
        {
            Statistics = FeatureStatistics.Of(Features);
        }
        catch
        {
            Features.Dispose(); // refused (fewer than 2 rows): the copy is nobody's
            throw;
        }
    }

    /// <summary>
    /// The features of <paramref name="images"/> [N, C, H, W] in [-1, 1], scored as 8-bit images (<see cref="EightBitImages"/>)
    /// as generated images are: images read from bytes are unchanged by it, bit for bit, and float images (a tensor of
    /// the caller's) no longer score apart from the generated ones by their rounding alone.
    /// </summary>
    public static ReferenceSet Of(IFeatureExtractor extractor, Tensor images, int batchSize = SampleQuality.DefaultBatchSize)
    {
        using var scope = NewDisposeScope(); // the set keeps its own copy of the features
        return new(extractor.Name, SampleQuality.ExtractFeatures(extractor, images, batchSize, asEightBit: true));
    }

    /// <summary>
    /// The first <paramref name="count"/> (default all 10,000) Fashion-MNIST test images in <paramref name="folder"/>, in
    /// the extractor's feature space: computed on the first call per (extractor name, folder, count), then cached.
    /// </summary>
    public static ReferenceSet FashionMnistTest(IFeatureExtractor extractor, string folder = EvaluationData.DefaultFashionMnistFolder, int? count = null,
        int batchSize = SampleQuality.DefaultBatchSize)
    {
        var key = (extractor.Name, Path.GetFullPath(folder), count);
        var entry = Cache.GetOrAdd(key, _ => new Lazy<ReferenceSet>(() =>
        {
            using var scope = NewDisposeScope();
            var images = EvaluationData.FashionMnistTestImages(folder, count);
            var set = Of(extractor, images, batchSize);
            set._shared = true;
            return set;
        }));
        try
        {
            return entry.Value;
        }
        catch
        {
            // A Lazy keeps its exception: without this, one failure (the data not yet installed, the device out of memory)
            // would be thrown again by every later call in the process.
            Cache.TryRemove(System.Collections.Generic.KeyValuePair.Create(key, entry));
            throw;
        }
    }

    /// <summary>Frees the features and their k-NN radii, unless the set is the process-wide cache's (<see cref="FashionMnistTest"/>).</summary>
    public void Dispose()
    {
        if (_shared) return;
        Features.Dispose();
        foreach (var radii in _knnRadii.Values)
            if (radii.IsValueCreated) radii.Value.Dispose();
    }
}
