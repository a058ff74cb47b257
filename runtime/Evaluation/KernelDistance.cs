using System;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Evaluation;

/// <summary>
/// The kernel distance of Bińkowski et al. (2018, "Demystifying MMD GANs"; KID in Inception's space): the unbiased
/// squared MMD between two feature sets under the cubic kernel k(x, y) = (x·y / d + 1)^3, averaged over random subsets of
/// equal size drawn without replacement (torch-fidelity and clean-fid: 100 subsets of at most 1,000; their own code 50).
/// Reported as the raw squared MMD (as torch-fidelity and clean-fid report it; many papers print it x 1000), with the
/// population standard deviation of the subset values (their spread, not a standard error). Unlike FD it has
/// no bias that depends on the count, so values measured at different counts compare.
/// </summary>
public static class KernelDistance
{
    public const int DefaultSubsets = 100;
    public const int DefaultSubsetSize = 1000;

    /// <summary>
    /// The mean and the (population) standard deviation over <paramref name="subsets"/> subsets of
    /// min(<paramref name="subsetSize"/>, both counts) features [N, D] each; NaN with fewer than 2 on a side or no subsets.
    /// The subsets come from a generator of their own (<paramref name="seed"/>), so a report is the same every time.
    /// </summary>
    public static (double Mean, double Std, int SubsetSize) Compute(Tensor real, Tensor generated, int subsets = DefaultSubsets,
        int subsetSize = DefaultSubsetSize, long seed = 0)
    {
        if (real.dim() != 2 || generated.dim() != 2 || real.shape[1] != generated.shape[1])
            throw new ArgumentException($"Expected features [N, D] and [M, D], got [{string.Join(", ", real.shape)}] and [{string.Join(", ", generated.shape)}].");
        int m = (int)Math.Min(subsetSize, Math.Min(real.shape[0], generated.shape[0]));
        if (m < 2 || subsets < 1) return (double.NaN, double.NaN, m);
        using var scope = NewDisposeScope();
        // On the CPU, where the subsets' generator draws (TorchSharp's generators are CPU ones), as the other metrics compute.
        var x = real.to(ScalarType.Float64, CPU);
        var y = generated.to(ScalarType.Float64, CPU);
        double d = x.shape[1];
        using var generator = new Generator((ulong)seed);
        var values = new double[subsets];
        for (int s = 0; s < subsets; s++)
        {
            using var subset = NewDisposeScope();
            var xs = x.index_select(0, randperm(x.shape[0], generator: generator)[..m]);
            var ys = y.index_select(0, randperm(y.shape[0], generator: generator)[..m]);
            values[s] = UnbiasedMmd2(Kernel(xs, xs, d), Kernel(xs, ys, d), Kernel(ys, ys, d), m);
        }
        double mean = 0;
        foreach (var v in values) mean += v;
        mean /= subsets;
        double variance = 0;
        foreach (var v in values) variance += (v - mean) * (v - mean);
        return (mean, Math.Sqrt(variance / subsets), m);
    }

    private static Tensor Kernel(Tensor a, Tensor b, double d) => a.matmul(b.t()).div_(d).add_(1).pow_(3);

    /// <summary>Their eq. 4: the within-set sums without the diagonal over m(m - 1), less twice the cross sum over m².</summary>
    private static double UnbiasedMmd2(Tensor kxx, Tensor kxy, Tensor kyy, int m)
    {
        double within = (kxx.sum().item<double>() - kxx.diagonal().sum().item<double>()) + (kyy.sum().item<double>() - kyy.diagonal().sum().item<double>());
        return within / ((double)m * (m - 1)) - 2 * kxy.sum().item<double>() / ((double)m * m);
    }
}
