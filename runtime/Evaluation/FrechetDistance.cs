using System;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Evaluation;

/// <summary>
/// The Fréchet distance between Gaussians fitted to two feature sets (Heusel et al. 2017, "GANs trained by a two
/// time-scale update rule converge to a local Nash equilibrium": FID when the features are Inception's):
/// FD = ||mu_a - mu_b||^2 + tr(S_a) + tr(S_b) - 2 tr((S_a S_b)^(1/2)).
/// </summary>
/// <remarks>
/// Everything is float64. tr((S_a S_b)^(1/2)) is computed without a non-symmetric matrix square root (pytorch-fid
/// uses scipy's sqrtm, which can return complex noise): S_a S_b is similar to the symmetric positive semi-definite
/// M = S_a^(1/2) S_b S_a^(1/2), so both have the same eigenvalues and tr((S_a S_b)^(1/2)) = sum_i sqrt(lambda_i(M)).
/// S_a^(1/2) comes from the symmetric eigendecomposition of S_a (torch.linalg.eigh), M is symmetrised and its
/// eigenvalues (torch.linalg.eigvalsh) are square-rooted. Where a covariance is rank-deficient (fewer samples than
/// dimensions, or dead features) rounding leaves eigenvalues of about +-eps ||M|| instead of zeros, whose square roots
/// (about 1e-8 ||M||^(1/2) each) would add up; so eigenvalues below D eps max|lambda| (eps = 2^-52), the size of
/// eigh's rounding error, count as zero, as a pseudo-inverse's cut-off does.
/// FD estimated from N samples is biased upwards: for two independent N-sample sets of the same Gaussian N(mu, I)
/// in D dimensions its expectation is, to first order in 1/N, D (D + 1) / (2N) (covariance term) + 2D / N (mean
/// term); for other covariances it still grows as D^2 / N. Compare FDs only at the same N (reports state it).
/// </remarks>
public static class FrechetDistance
{
    /// <summary>FD between feature sets [N_a, D] and [N_b, D].</summary>
    public static double Compute(Tensor featuresA, Tensor featuresB)
    {
        if (featuresA.dim() != 2 || featuresB.dim() != 2 || featuresA.shape[1] != featuresB.shape[1])
            throw new ArgumentException(
                $"Expected two feature sets [N, D] of the same D, got [{string.Join(", ", featuresA.shape)}] and [{string.Join(", ", featuresB.shape)}].");
        return Compute(FeatureStatistics.Of(featuresA), FeatureStatistics.Of(featuresB));
    }

    /// <summary>FD between two Gaussians given by their means and covariances.</summary>
    public static double Compute(FeatureStatistics a, FeatureStatistics b)
    {
        if (a.Dimension != b.Dimension)
            throw new ArgumentException($"The statistics have different dimensions: {a.Dimension} and {b.Dimension}.");
        using var scope = NewDisposeScope();
        var meanTerm = (a.MeanTensor() - b.MeanTensor()).square().sum().item<double>();
        var sa = a.CovarianceTensor();
        var sb = b.CovarianceTensor();
        var traceTerm = sa.trace().item<double>() + sb.trace().item<double>() - 2.0 * TraceSqrtProduct(sa, sb);
        return meanTerm + traceTerm;
    }

    /// <summary>tr((S_a S_b)^(1/2)) for symmetric positive semi-definite S_a, S_b (float64), as described above.</summary>
    public static double TraceSqrtProduct(Tensor sa, Tensor sb)
    {
        using var scope = NewDisposeScope();
        var rootA = SymmetricSqrt(sa.to_type(ScalarType.Float64));
        var m = rootA.matmul(sb.to_type(ScalarType.Float64)).matmul(rootA);
        m = (m + m.t()).div_(2.0);
        var eigenvalues = WithoutRoundingNoise(linalg.eigvalsh(m));
        return eigenvalues.sqrt().sum().item<double>();
    }

    /// <summary>Eigenvalues of a PSD matrix with those below D eps max|lambda| (rounding noise, or negative) set to zero.</summary>
    private static Tensor WithoutRoundingNoise(Tensor eigenvalues)
    {
        double cutoff = eigenvalues.shape[0] * Math.Pow(2, -52) * eigenvalues.abs().max().item<double>();
        return eigenvalues.where(eigenvalues.gt(cutoff), 0.0);
    }

    /// <summary>The PSD square root V diag(sqrt(lambda)) V^T of a symmetric PSD matrix, rounding noise in lambda set to zero.</summary>
    internal static Tensor SymmetricSqrt(Tensor symmetric)
    {
        var (values, vectors) = linalg.eigh((symmetric + symmetric.t()).div(2.0));
        return (vectors * WithoutRoundingNoise(values).sqrt().unsqueeze(0)).matmul(vectors.t());
    }
}
