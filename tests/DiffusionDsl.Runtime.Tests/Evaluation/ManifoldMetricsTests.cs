using System;
using DiffusionDsl.Runtime.Evaluation;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Evaluation;

public class ManifoldMetricsTests
{
    private static Tensor Normal(int n, int d, long seed, double shift = 0) =>
        randn(new long[] { n, d }, dtype: ScalarType.Float64, generator: new Generator((ulong)seed)).add_(shift);

    private static Tensor Points(params double[] xs) => tensor(xs, dtype: ScalarType.Float64).view(-1, 1);

    [Fact]
    public void DisjointSetsScoreZero()
    {
        using var real = Normal(300, 5, seed: 1);
        using var fake = Normal(200, 5, seed: 2, shift: 100);
        var (precision, recall) = ManifoldMetrics.PrecisionRecall(real, fake);
        var (density, coverage) = ManifoldMetrics.DensityCoverage(real, fake);
        Assert.Equal(0.0, precision);
        Assert.Equal(0.0, recall);
        Assert.Equal(0.0, density);
        Assert.Equal(0.0, coverage);
    }

    /// <summary>Each sample lies in its own ball (radius > 0), so precision, recall and coverage are exactly 1, density at least 1/k.</summary>
    [Fact]
    public void IdenticalSetsScoreOne()
    {
        using var real = Normal(300, 5, seed: 3);
        var (precision, recall) = ManifoldMetrics.PrecisionRecall(real, real);
        var (density, coverage) = ManifoldMetrics.DensityCoverage(real, real);
        Assert.Equal(1.0, precision);
        Assert.Equal(1.0, recall);
        Assert.Equal(1.0, coverage);
        Assert.InRange(density, 0.2, 2.0);
    }

    /// <summary>
    /// Two independent samples of one distribution: Naeem et al. show density and coverage near 1 (coverage's expectation is
    /// 1 - (1/2)^k for M = N large, 0.97 for k = 5), while precision and recall stay below 1 but high.
    /// </summary>
    [Fact]
    public void IndependentSamplesOfOneDistributionScoreHigh()
    {
        using var real = Normal(1000, 4, seed: 5);
        using var fake = Normal(1000, 4, seed: 6);
        var (precision, recall) = ManifoldMetrics.PrecisionRecall(real, fake);
        var (density, coverage) = ManifoldMetrics.DensityCoverage(real, fake);
        Assert.InRange(precision, 0.6, 0.99);
        Assert.InRange(recall, 0.6, 0.99);
        Assert.InRange(density, 0.85, 1.15);
        Assert.InRange(coverage, 0.93, 1.0);

        // A generator that misses half the data (only x0 > 0): precision stays high, recall and coverage drop to about half.
        using var half = fake.index_select(0, fake.select(1, 0).gt(0).nonzero().squeeze(1));
        var (precisionHalf, recallHalf) = ManifoldMetrics.PrecisionRecall(real, half);
        var (_, coverageHalf) = ManifoldMetrics.DensityCoverage(real, half);
        Assert.InRange(precisionHalf, precision - 0.1, 1.0);
        Assert.InRange(recallHalf, 0.3, 0.65);
        Assert.InRange(coverageHalf, 0.4, 0.65);
    }

    /// <summary>
    /// A 1-d case worked by hand, k = 1. Real {0, 1, 2, 3, 10}: radii 1, 1, 1, 1, 7. Fake {0.5, 2.5, 20}: radii 2, 2, 17.5.
    /// Precision: 0.5 (ball of 0) and 2.5 (ball of 2) are inside, 20 is 10 from 10 > 7: 2/3. Recall: every real point is
    /// within 2 of 0.5 or 2.5, and 10 is within 17.5 of 20 (the outlier's big ball): 1.
    /// Density: 0.5 lies in the balls of 0 and 1, 2.5 in those of 2 and 3, 20 in none: 4 / (1 x 3). Coverage: 0, 1, 2, 3 have
    /// a fake point 0.5 away (less than 1); 10's nearest is 7.5 away (not less than 7): 4/5.
    /// </summary>
    [Fact]
    public void HandWorkedOneDimensionalCase()
    {
        using var real = Points(0, 1, 2, 3, 10);
        using var fake = Points(0.5, 2.5, 20);
        var (precision, recall) = ManifoldMetrics.PrecisionRecall(real, fake, k: 1);
        var (density, coverage) = ManifoldMetrics.DensityCoverage(real, fake, k: 1);
        Assert.Equal(2.0 / 3.0, precision, 12);
        Assert.Equal(1.0, recall, 12);
        Assert.Equal(4.0 / 3.0, density, 12);
        Assert.Equal(0.8, coverage, 12);

        using var radii = ManifoldMetrics.KnnRadii(real, 2); // 2nd neighbours: 0->2, 1->1, 2->1, 3->2, 10->8
        Assert.Equal(new[] { 2.0, 1.0, 1.0, 2.0, 8.0 }, radii.data<double>().ToArray());
    }

    /// <summary>
    /// Points on and near ball boundaries, k = 1 (distances of small integer sets are exact). Real {0, 4}: radii 4, 4.
    /// Fake {-3.9, 8, 9}: radii 11.9, 1, 1. Precision uses Kynkäänniemi et al.'s "&lt;=": -3.9 (3.9 from 0) and 8 (exactly 4
    /// from 4) are inside, 9 is not: 2/3. Recall: 0 and 4 are within 11.9 of -3.9: 1. Density and coverage use prdc's
    /// strict "&lt;": only -3.9 is in a ball (of 0): density 1/3; 0 is covered, 4 (its nearest fake exactly 4 away) is
    /// not: coverage 1/2.
    /// </summary>
    [Fact]
    public void BallBoundariesFollowThePapersConventions()
    {
        using var real = Points(0, 4);
        using var fake = Points(-3.9, 8, 9);
        var (precision, recall) = ManifoldMetrics.PrecisionRecall(real, fake, k: 1);
        var (density, coverage) = ManifoldMetrics.DensityCoverage(real, fake, k: 1);
        Assert.Equal(2.0 / 3.0, precision, 12);
        Assert.Equal(1.0, recall, 12);
        Assert.Equal(1.0 / 3.0, density, 12);
        Assert.Equal(0.5, coverage, 12);
    }

    /// <summary>Chunked distances give the same answers as one chunk.</summary>
    [Fact]
    public void ChunkingDoesNotChangeTheResult()
    {
        using var real = Normal(157, 3, seed: 9);
        using var fake = Normal(101, 3, seed: 10, shift: 0.5);
        var whole = (ManifoldMetrics.PrecisionRecall(real, fake), ManifoldMetrics.DensityCoverage(real, fake));
        int saved = ManifoldMetrics.ChunkRows;
        try
        {
            ManifoldMetrics.ChunkRows = 16;
            var chunked = (ManifoldMetrics.PrecisionRecall(real, fake), ManifoldMetrics.DensityCoverage(real, fake));
            Assert.Equal(whole, chunked);
        }
        finally
        {
            ManifoldMetrics.ChunkRows = saved;
        }
    }

    [Fact]
    public void BadInputsAreRefused()
    {
        using var a = zeros(10, 3, dtype: ScalarType.Float64);
        using var b = zeros(10, 4, dtype: ScalarType.Float64);
        Assert.Throws<ArgumentException>(() => ManifoldMetrics.PrecisionRecall(a, b));
        Assert.Throws<ArgumentException>(() => ManifoldMetrics.DensityCoverage(a, a, k: 10));
    }
}
