using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Evaluation;

/// <summary>
/// Measures generated images against a reference set in a feature space: Fréchet distance
/// (<see cref="FrechetDistance"/>), precision/recall and density/coverage (<see cref="ManifoldMetrics"/>), and, when the
/// extractor is a classifier, the histogram of predicted classes over the generated images and its entropy in nats.
/// </summary>
public static class SampleQuality
{
    public const int DefaultBatchSize = 250;

    public static QualityReport Evaluate(IFeatureExtractor extractor, Tensor referenceImages, Tensor generatedImages, int batchSize = DefaultBatchSize)
    {
        using var reference = ReferenceSet.Of(extractor, referenceImages, batchSize);
        return Evaluate(extractor, reference, generatedImages, batchSize);
    }

    /// <summary>
    /// Against reference features computed earlier (e.g. <see cref="ReferenceSet.FashionMnistTest"/>, cached per process).
    /// The generated images are scored as 8-bit images (<see cref="EightBitImages"/>), as the reference set is and as a PNG
    /// of them would score. With too few images for a metric's neighbourhoods (no more than k in either set) that metric is
    /// NaN and the rest are still measured, as in a quick evaluation during training.
    /// </summary>
    /// <param name="kernelSubsets">Subsets the kernel distance averages over (0 skips it, as training evaluations do).</param>
    public static QualityReport Evaluate(IFeatureExtractor extractor, ReferenceSet reference, Tensor generatedImages, int batchSize = DefaultBatchSize,
        int precisionRecallK = 3, int densityCoverageK = 5, int kernelSubsets = Evaluation.KernelDistance.DefaultSubsets)
    {
        if (reference.FeatureSpace != extractor.Name)
            throw new ArgumentException($"The reference features are in '{reference.FeatureSpace}', the extractor's space is '{extractor.Name}'.", nameof(reference));
        using var scope = NewDisposeScope();
        // NaN passes the 8-bit clamp and fails the eigendecomposition deep in libtorch; said here instead.
        if (NonFiniteValues(generatedImages) is var bad and > 0) throw new NonFiniteImagesException(bad, nameof(generatedImages));
        generatedImages = EightBitImages.Quantise(generatedImages);
        var generated = ExtractFeatures(extractor, generatedImages, batchSize);
        var fd = FrechetDistance.Compute(reference.Statistics, FeatureStatistics.Of(generated));
        long fewest = Math.Min(generated.shape[0], reference.Count);
        var (precision, recall) = precisionRecallK >= 1 && fewest <= precisionRecallK ? (double.NaN, double.NaN)
            : ManifoldMetrics.PrecisionRecall(reference.Features, KnnRadii(reference, precisionRecallK), generated, precisionRecallK);
        var (density, coverage) = densityCoverageK >= 1 && fewest <= densityCoverageK ? (double.NaN, double.NaN)
            : ManifoldMetrics.DensityCoverage(reference.Features, KnnRadii(reference, densityCoverageK), generated, densityCoverageK);

        IReadOnlyList<double>? histogram = null;
        double? entropy = null;
        IReadOnlyList<string>? names = null;
        if (extractor is IClassifier classifier)
        {
            histogram = ClassHistogram(classifier, generatedImages, batchSize);
            entropy = Entropy(histogram);
            names = classifier.ClassNames;
        }
        var (kid, kidStd, kidSubset) = kernelSubsets > 0 ? Evaluation.KernelDistance.Compute(reference.Features, generated, kernelSubsets) : (double.NaN, double.NaN, 0);
        return new QualityReport((int)generated.shape[0], reference.Count, extractor.Name, fd, precision, recall, density, coverage, histogram, entropy)
        {
            ClassNames = names,
            PrecisionRecallK = precisionRecallK,
            DensityCoverageK = densityCoverageK,
            KernelDistance = kid,
            KernelDistanceStd = kidStd,
            KernelDistanceSubsetSize = kidSubset,
        };
    }

    /// <summary>How many of <paramref name="images"/>' values are NaN or infinite.</summary>
    private static long NonFiniteValues(Tensor images)
    {
        using var scope = NewDisposeScope();
        return images.isfinite().logical_not().sum().item<long>();
    }

    /// <summary>The reference set's cached radii for k at least 1; otherwise null, so the metric reports the bad k itself.</summary>
    private static Tensor? KnnRadii(ReferenceSet reference, int k) => k >= 1 ? reference.KnnRadii(k) : null;

    /// <summary>Features of <paramref name="images"/> [N, C, H, W], <paramref name="batchSize"/> at a time: float64 [N, D] on the CPU.</summary>
    /// <param name="asEightBit">Score each batch as its 8-bit self (<see cref="EightBitImages.Quantise"/>), a batch at a time
    /// so a large set is not copied whole.</param>
    public static Tensor ExtractFeatures(IFeatureExtractor extractor, Tensor images, int batchSize = DefaultBatchSize, bool asEightBit = false) =>
        Batched(images, batchSize, asEightBit ? batch => extractor.Features(EightBitImages.Quantise(batch)) : extractor.Features, ScalarType.Float64);

    /// <summary>The fraction of <paramref name="images"/> the classifier assigns to each class (argmax of its logits).</summary>
    public static IReadOnlyList<double> ClassHistogram(IClassifier classifier, Tensor images, int batchSize = DefaultBatchSize)
    {
        using var scope = NewDisposeScope();
        var predicted = Batched(images, batchSize, x => classifier.Logits(x).argmax(1), ScalarType.Int64);
        var counts = predicted.bincount(null, classifier.Classes).to_type(ScalarType.Float64);
        var fractions = counts / (double)predicted.shape[0];
        return fractions.data<double>().ToArray();
    }

    /// <summary>The Shannon entropy -sum p ln p of a histogram, in nats (0 ln 0 = 0); log(10) for a uniform one over 10 classes.</summary>
    public static double Entropy(IReadOnlyList<double> histogram)
    {
        double total = histogram.Sum();
        if (!(total > 0)) throw new ArgumentException("The histogram is empty.", nameof(histogram));
        return -histogram.Where(v => v > 0).Sum(v => v / total * Math.Log(v / total));
    }

    private static Tensor Batched(Tensor images, int batchSize, Func<Tensor, Tensor> map, ScalarType dtype)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be positive.");
        if (images.dim() < 1 || images.shape[0] < 1) throw new ArgumentException("No images given.", nameof(images));
        using var scope = NewDisposeScope();
        long n = images.shape[0];
        var parts = new List<Tensor>();
        for (long start = 0; start < n; start += batchSize)
        {
            using var batchScope = NewDisposeScope(); // whatever the extractor leaves behind goes with its batch
            parts.Add(map(images.narrow(0, start, Math.Min(batchSize, n - start))).to(dtype, CPU).MoveToOuterDisposeScope());
        }
        return (parts.Count == 1 ? parts[0] : cat(parts, 0)).MoveToOuterDisposeScope();
    }
}
