using System;
using DiffusionDsl.Runtime.Evaluation;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Evaluation;

/// <summary>The kernel distance (KID) against its definition, and the property it is there for: no bias with the count.</summary>
public class KernelDistanceTests
{
    private static Tensor Gaussian(int n, int d, double shift, ulong seed) =>
        randn(new long[] { n, d }, dtype: ScalarType.Float64, generator: new Generator(seed)) + shift;

    /// <summary>Bińkowski et al.'s unbiased MMD² with k(x, y) = (x·y / d + 1)^3, written out pair by pair.</summary>
    private static double ByDefinition(double[,] x, double[,] y)
    {
        int m = x.GetLength(0), d = x.GetLength(1);
        double K(double[,] a, int i, double[,] b, int j)
        {
            double dot = 0;
            for (int c = 0; c < d; c++) dot += a[i, c] * b[j, c];
            return Math.Pow(dot / d + 1, 3);
        }
        double xx = 0, yy = 0, xy = 0;
        for (int i = 0; i < m; i++)
        for (int j = 0; j < m; j++)
        {
            if (i != j) { xx += K(x, i, x, j); yy += K(y, i, y, j); }
            xy += K(x, i, y, j);
        }
        return (xx + yy) / (m * (m - 1.0)) - 2 * xy / ((double)m * m);
    }

    private static double[,] Array2(Tensor t)
    {
        var a = new double[t.shape[0], t.shape[1]];
        var data = t.contiguous().data<double>().ToArray();
        for (int i = 0; i < a.GetLength(0); i++)
        for (int j = 0; j < a.GetLength(1); j++) a[i, j] = data[i * a.GetLength(1) + j];
        return a;
    }

    [Fact]
    public void OneSubsetOfEverythingIsTheDefinition()
    {
        using var x = Gaussian(30, 5, 0, 1);
        using var y = Gaussian(30, 5, 0.4, 2);
        // With the subset as large as both sets, every subset is the whole of each (the MMD ignores order).
        var (mean, std, size) = KernelDistance.Compute(x, y, subsets: 3, subsetSize: 1000);
        Assert.Equal(30, size);
        Assert.Equal(ByDefinition(Array2(x), Array2(y)), mean, 12);
        Assert.Equal(0, std, 12);
    }

    [Fact]
    public void ItIsNearZeroForOneDistributionAndGrowsWithTheShift()
    {
        using var real = Gaussian(2000, 8, 0, 3);
        using var same = Gaussian(500, 8, 0, 4);
        var (zero, zeroStd, _) = KernelDistance.Compute(real, same, subsets: 20, subsetSize: 500);
        Assert.InRange(zero, -3 * zeroStd - 1e-3, 3 * zeroStd + 1e-3);
        double previous = zero;
        foreach (var shift in new[] { 0.25, 0.5, 1.0 })
        {
            using var shifted = Gaussian(500, 8, shift, 5);
            double kid = KernelDistance.Compute(real, shifted, subsets: 20, subsetSize: 500).Mean;
            Assert.True(kid > previous, $"shift {shift}: {kid} <= {previous}");
            previous = kid;
        }
    }

    /// <summary>What it is for: FD of the same two distributions falls as the count grows (its bias is about 1/N); KID does not move with it.</summary>
    [Fact]
    public void UnlikeFdItDoesNotDependOnTheCount()
    {
        using var real = Gaussian(4000, 16, 0, 6);
        using var generated = Gaussian(4000, 16, 0.3, 7);
        double KidAt(int n) => KernelDistance.Compute(real, generated.narrow(0, 0, n), subsets: 50, subsetSize: n).Mean;
        double FdAt(int n) => FrechetDistance.Compute(real, generated.narrow(0, 0, n));

        double kidSmall = KidAt(100), kidLarge = KidAt(2000);
        double fdSmall = FdAt(100), fdLarge = FdAt(2000);
        Assert.True(fdSmall > 1.5 * fdLarge, $"FD {fdSmall} at 100, {fdLarge} at 2000");
        Assert.True(Math.Abs(kidSmall - kidLarge) < 0.15 * kidLarge, $"KID {kidSmall} at 100, {kidLarge} at 2000");
    }

    [Fact]
    public void TooFewFeaturesGiveNaN()
    {
        using var one = Gaussian(1, 4, 0, 8);
        using var many = Gaussian(10, 4, 0, 9);
        Assert.True(double.IsNaN(KernelDistance.Compute(one, many).Mean));
        Assert.True(double.IsNaN(KernelDistance.Compute(many, many, subsets: 0).Mean));
        Assert.Throws<ArgumentException>(() => KernelDistance.Compute(many, Gaussian(10, 5, 0, 1)));
    }
}
