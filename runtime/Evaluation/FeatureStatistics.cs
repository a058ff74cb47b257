using System;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Evaluation;

/// <summary>
/// The mean and covariance of a set of feature vectors, in float64: what the Fréchet distance compares. The
/// covariance is the unbiased sample covariance (denominator Count - 1), as numpy's np.cov in pytorch-fid.
/// </summary>
public sealed record FeatureStatistics(double[] Mean, double[,] Covariance, int Count)
{
    public int Dimension => Mean.Length;

    /// <summary>Statistics of features [N, D] (N >= 2), any dtype and device.</summary>
    public static FeatureStatistics Of(Tensor features)
    {
        if (features.dim() != 2)
            throw new ArgumentException($"Expected features of shape [N, D], got [{string.Join(", ", features.shape)}].", nameof(features));
        long n = features.shape[0], d = features.shape[1];
        if (n < 2) throw new ArgumentException($"The covariance needs at least 2 feature vectors, got {n}.", nameof(features));
        using var scope = NewDisposeScope();
        var x = features.to(ScalarType.Float64, CPU);
        var mean = x.mean(new long[] { 0 });
        var centred = x - mean;
        var covariance = centred.t().matmul(centred).div_(n - 1);
        covariance = (covariance + covariance.t()).div_(2.0); // exactly symmetric
        return new FeatureStatistics(mean.data<double>().ToArray(), ToMatrix(covariance, (int)d), (int)n);
    }

    /// <summary>The mean as a float64 CPU tensor [D].</summary>
    public Tensor MeanTensor() => tensor(Mean, dtype: ScalarType.Float64);

    /// <summary>The covariance as a float64 CPU tensor [D, D].</summary>
    public Tensor CovarianceTensor()
    {
        int d = Covariance.GetLength(0);
        var flat = new double[d * d];
        Buffer.BlockCopy(Covariance, 0, flat, 0, flat.Length * sizeof(double));
        return tensor(flat, new long[] { d, d }, ScalarType.Float64);
    }

    private static double[,] ToMatrix(Tensor square, int d)
    {
        var flat = square.contiguous().data<double>().ToArray();
        var matrix = new double[d, d];
        Buffer.BlockCopy(flat, 0, matrix, 0, flat.Length * sizeof(double));
        return matrix;
    }
}
