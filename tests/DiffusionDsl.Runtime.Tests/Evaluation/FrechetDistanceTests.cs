using System;
using System.Linq;
using DiffusionDsl.Runtime.Evaluation;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Evaluation;

public class FrechetDistanceTests
{
    private static FeatureStatistics Stats(double[] mean, double[,] covariance) => new(mean, covariance, 1000);

    private static double[,] Diagonal(params double[] values)
    {
        var m = new double[values.Length, values.Length];
        for (int i = 0; i < values.Length; i++) m[i, i] = values[i];
        return m;
    }

    /// <summary>N samples of N(mean, covariance), float64 [N, D], drawn as mean + z L^T with L L^T = covariance.</summary>
    internal static Tensor Gaussian(int n, double[] mean, double[,] covariance, long seed)
    {
        using var scope = NewDisposeScope();
        var stats = new FeatureStatistics(mean, covariance, 2);
        var l = linalg.cholesky(stats.CovarianceTensor());
        var z = randn(new long[] { n, mean.Length }, dtype: ScalarType.Float64, generator: new Generator((ulong)seed));
        return (z.matmul(l.t()) + stats.MeanTensor()).MoveToOuterDisposeScope();
    }

    /// <summary>Diagonal covariances commute, so the closed form is ||mu_a - mu_b||^2 + sum_i (sqrt(a_i) - sqrt(b_i))^2.</summary>
    [Fact]
    public void DiagonalGaussiansGiveTheClosedForm()
    {
        var a = Stats(new[] { 1.0, -2.0, 0.5, 0.0 }, Diagonal(4.0, 1.0, 0.25, 2.0));
        var b = Stats(new[] { 0.0, 1.0, 0.5, -1.5 }, Diagonal(1.0, 9.0, 0.25, 0.5));
        double expected = (1 + 9 + 0 + 2.25) + (Math.Pow(2 - 1, 2) + Math.Pow(1 - 3, 2) + 0 + Math.Pow(Math.Sqrt(2) - Math.Sqrt(0.5), 2));
        Assert.Equal(expected, FrechetDistance.Compute(a, b), 12);
        Assert.Equal(expected, FrechetDistance.Compute(b, a), 12);
        Assert.Equal(0.0, FrechetDistance.Compute(a, a), 12);
    }

    /// <summary>
    /// Non-commuting covariances, against scipy: ((mu1-mu2)**2).sum() + trace(S1) + trace(S2) - 2 trace(sqrtm(S1 @ S2)).real
    /// = 3.208260297277304 (scipy 1.10, numpy float64), with trace(sqrtm(S1 @ S2)) = 3.8271198513613482.
    /// </summary>
    [Fact]
    public void NonDiagonalGaussiansMatchScipy()
    {
        var a = Stats(new[] { 0.5, -1.0, 2.0 }, new[,] { { 2.0, 0.6, -0.3 }, { 0.6, 1.5, 0.4 }, { -0.3, 0.4, 1.0 } });
        var b = Stats(new[] { 0.0, 0.25, 1.5 }, new[,] { { 1.0, -0.2, 0.5 }, { -0.2, 0.8, 0.1 }, { 0.5, 0.1, 2.5 } });
        Assert.Equal(3.208260297277304, FrechetDistance.Compute(a, b), 12);
        Assert.Equal(3.208260297277304, FrechetDistance.Compute(b, a), 12);
        using var sa = a.CovarianceTensor();
        using var sb = b.CovarianceTensor();
        Assert.Equal(3.8271198513613482, FrechetDistance.TraceSqrtProduct(sa, sb), 12);
    }

    /// <summary>
    /// A rank-1 covariance S_a = 2 u u^T (u = (1, 1, 0) / sqrt 2): S_a^(1/2) S_b S_a^(1/2) = 2 (u^T S_b u) u u^T has one
    /// non-zero eigenvalue 2 u^T S_b u = 1.4, so FD = tr(S_a) + tr(S_b) - 2 sqrt(1.4) (scipy: 3.9335680867601535).
    /// The zero eigenvalues come out of eigh as tiny +-1e-16 and must be clamped, not square-rooted into NaN.
    /// </summary>
    [Fact]
    public void RankDeficientCovarianceGivesTheClosedForm()
    {
        var a = Stats(new double[3], new[,] { { 1.0, 1.0, 0.0 }, { 1.0, 1.0, 0.0 }, { 0.0, 0.0, 0.0 } });
        var b = Stats(new double[3], new[,] { { 1.0, -0.2, 0.5 }, { -0.2, 0.8, 0.1 }, { 0.5, 0.1, 2.5 } });
        double expected = 2.0 + 4.3 - 2 * Math.Sqrt(1.4);
        Assert.Equal(expected, FrechetDistance.Compute(a, b), 12);
        Assert.Equal(3.9335680867601535, FrechetDistance.Compute(b, a), 12);
    }

    [Fact]
    public void StatisticsAreTheSampleMeanAndUnbiasedCovariance()
    {
        using var x = tensor(new[] { 1.0, 2.0, 3.0, 6.0, 5.0, 4.0 }, new long[] { 3, 2 }); // rows (1,2), (3,6), (5,4)
        var stats = FeatureStatistics.Of(x);
        Assert.Equal(new[] { 3.0, 4.0 }, stats.Mean);
        // deviations (-2,-2), (0,2), (2,0): sums of products 8, 4, 8, over N - 1 = 2
        Assert.Equal(4.0, stats.Covariance[0, 0], 12);
        Assert.Equal(2.0, stats.Covariance[0, 1], 12);
        Assert.Equal(2.0, stats.Covariance[1, 0], 12);
        Assert.Equal(4.0, stats.Covariance[1, 1], 12);
        Assert.Equal(3, stats.Count);
    }

    /// <summary>The same feature set twice: FD is 0 up to rounding (the sqrt of M's eigenvalues is the only inexact step).</summary>
    [Fact]
    public void IdenticalSetsGiveZero()
    {
        using var x = Gaussian(500, new[] { 3.0, -1.0, 0.0, 2.0, 1.0, 0.5 }, Diagonal(1, 2, 3, 4, 5, 6), seed: 1);
        double fd = FrechetDistance.Compute(x, x);
        Assert.InRange(fd, -1e-9, 1e-9);
    }

    /// <summary>
    /// Two independent N-sample sets of N(0, I_D): FD's small-N bias is, to first order, D (D + 1) / (2N) + 2D / N
    /// (FrechetDistance's remarks). For D = 8, N = 2,000: 0.018 + 0.008 = 0.026. The mean over 10 pairs must be within 20%
    /// of it (its spread over pairs is about 15% of the mean here, so the mean of 10 has about 5%); every pair stays
    /// below 3 times it.
    /// </summary>
    [Fact]
    public void IndependentSetsOfOneDistributionShowTheStatedSmallNBias()
    {
        const int d = 8, n = 2000;
        var mean = new double[d];
        var identity = Diagonal(Enumerable.Repeat(1.0, d).ToArray());
        double bias = d * (d + 1) / (2.0 * n) + 2.0 * d / n;
        var fds = Enumerable.Range(0, 10).Select(i =>
        {
            using var a = Gaussian(n, mean, identity, seed: 100 + 2 * i);
            using var b = Gaussian(n, mean, identity, seed: 101 + 2 * i);
            return FrechetDistance.Compute(a, b);
        }).ToList();
        Assert.All(fds, fd => Assert.InRange(fd, 0.0, 3 * bias));
        Assert.InRange(fds.Average(), 0.8 * bias, 1.2 * bias);
    }

    /// <summary>
    /// Samples of two non-diagonal Gaussians (the scipy case above): the FD of 20,000 samples each is the closed form
    /// 3.2083 plus a small-N bias (about D (D + 1) / (2N) + 2D / N = 0.0006 for unit covariances) and sampling noise
    /// (about 0.03 here: the mean term's standard deviation is 2 sqrt(||mu_a - mu_b||_S^2 / N)).
    /// </summary>
    [Fact]
    public void SamplesOfShiftedGaussiansGiveTheClosedForm()
    {
        double[] meanA = { 0.5, -1.0, 2.0 }, meanB = { 0.0, 0.25, 1.5 };
        var covA = new[,] { { 2.0, 0.6, -0.3 }, { 0.6, 1.5, 0.4 }, { -0.3, 0.4, 1.0 } };
        var covB = new[,] { { 1.0, -0.2, 0.5 }, { -0.2, 0.8, 0.1 }, { 0.5, 0.1, 2.5 } };
        using var a = Gaussian(20_000, meanA, covA, seed: 7);
        using var b = Gaussian(20_000, meanB, covB, seed: 8);
        Assert.Equal(3.208260297277304, FrechetDistance.Compute(a, b), 0.1);

        // The same samples shifted: equal covariances leave exactly ||shift||^2 = 0.25 + 1.5625 + 0.25 = 2.0625.
        using var bShiftedFromA = a + tensor(new[] { 0.5, -1.25, 0.5 }, dtype: ScalarType.Float64);
        Assert.Equal(2.0625, FrechetDistance.Compute(a, bShiftedFromA), 9);
    }

    [Fact]
    public void MismatchedDimensionsAreRefused()
    {
        using var a = zeros(10, 3, dtype: ScalarType.Float64);
        using var b = zeros(10, 4, dtype: ScalarType.Float64);
        var e = Assert.Throws<ArgumentException>(() => FrechetDistance.Compute(a, b));
        Assert.Contains("[10, 3]", e.Message);
        Assert.Throws<ArgumentException>(() => FeatureStatistics.Of(zeros(1, 3)));
    }
}
