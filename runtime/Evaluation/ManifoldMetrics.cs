using System;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Evaluation;

/// <summary>
/// k-nearest-neighbour manifold metrics in a feature space, from exact pairwise Euclidean distances (float64,
/// computed in row chunks so that 10,000 x 10,000 sets need about <see cref="ChunkRows"/> x 10,000 x 8 bytes at a time).
/// </summary>
/// <remarks>
/// The k-NN radius of a point is the distance to its k-th nearest neighbour in its own set, the point itself not
/// counted (the reference codes take the (k+1)-th smallest distance, which includes the zero distance to itself).
/// <list type="bullet">
/// <item>Precision / recall: Kynkäänniemi et al. 2019, "Improved Precision and Recall Metric for Assessing Generative
/// Models" (NeurIPS). The real manifold is the union of balls around the real features with their k-NN radii;
/// precision is the fraction of generated samples inside it (||fake - real|| &lt;= radius(real) for some real sample),
/// recall the fraction of real samples inside the generated manifold, built the same way from the generated set.
/// The paper uses k = 3.</item>
/// <item>Density / coverage: Naeem et al. 2020, "Reliable Fidelity and Diversity Metrics for Generative Models"
/// (ICML), as their code (clovaai/generative-evaluation-prdc) computes them, with strict "&lt;" ball membership:
/// density = (1 / (k M)) sum over the M generated samples of the number of real balls that contain it (it can
/// exceed 1; about 1 when both sets come from one distribution); coverage = the fraction of real samples whose ball
/// holds at least one generated sample. Only real balls are used, so outliers among the generated samples do not
/// inflate them. The paper uses k = 5.</item>
/// </list>
/// </remarks>
public static class ManifoldMetrics
{
    /// <summary>Rows of the distance matrix computed at once.</summary>
    public static int ChunkRows { get; set; } = 1024;

    /// <summary>Kynkäänniemi et al.'s precision and recall of <paramref name="fake"/> [M, D] against <paramref name="real"/> [N, D].</summary>
    public static (double Precision, double Recall) PrecisionRecall(Tensor real, Tensor fake, int k = 3) => PrecisionRecall(real, null, fake, k);

    /// <summary>The same, with the real features' k-NN radii computed earlier (e.g. <see cref="ReferenceSet.KnnRadii"/>); null computes them.</summary>
    public static (double Precision, double Recall) PrecisionRecall(Tensor real, Tensor? realKnnRadii, Tensor fake, int k = 3)
    {
        using var scope = NewDisposeScope();
        var (x, y) = Prepare(real, fake, k);
        var realRadii = RadiiOrCompute(realKnnRadii, x, k);
        var fakeRadii = KnnRadii(y, k);
        double precision = FractionInsideAnyBall(y, x, realRadii, strict: false);
        double recall = FractionInsideAnyBall(x, y, fakeRadii, strict: false);
        return (precision, recall);
    }

    /// <summary>Naeem et al.'s density and coverage of <paramref name="fake"/> [M, D] against <paramref name="real"/> [N, D].</summary>
    public static (double Density, double Coverage) DensityCoverage(Tensor real, Tensor fake, int k = 5) => DensityCoverage(real, null, fake, k);

    /// <summary>The same, with the real features' k-NN radii computed earlier (e.g. <see cref="ReferenceSet.KnnRadii"/>); null computes them.</summary>
    public static (double Density, double Coverage) DensityCoverage(Tensor real, Tensor? realKnnRadii, Tensor fake, int k = 5)
    {
        using var scope = NewDisposeScope();
        var (x, y) = Prepare(real, fake, k);
        var realRadii = RadiiOrCompute(realKnnRadii, x, k);
        long m = y.shape[0], n = x.shape[0];

        // density: for each fake sample, how many real balls hold it.
        double inside = 0;
        for (long start = 0; start < m; start += ChunkRows)
        {
            using var chunkScope = NewDisposeScope();
            var d = cdist(y.narrow(0, start, Math.Min(ChunkRows, m - start)), x);
            inside += d.lt(realRadii.unsqueeze(0)).sum().item<long>();
        }
        double density = inside / ((double)k * m);

        // coverage: for each real sample, is its nearest fake sample inside its ball.
        long covered = 0;
        for (long start = 0; start < n; start += ChunkRows)
        {
            using var chunkScope = NewDisposeScope();
            long rows = Math.Min(ChunkRows, n - start);
            var nearestFake = cdist(x.narrow(0, start, rows), y).min(1).values;
            covered += nearestFake.lt(realRadii.narrow(0, start, rows)).sum().item<long>();
        }
        return (density, covered / (double)n);
    }

    /// <summary>Each point's distance to its k-th nearest neighbour in <paramref name="points"/> [N, D] (float64), itself not counted.</summary>
    public static Tensor KnnRadii(Tensor points, int k)
    {
        long n = points.shape[0];
        if (k < 1 || k >= n) throw new ArgumentException($"k = {k} needs 1 <= k < the set's size ({n}).", nameof(k));
        var x = points.to(ScalarType.Float64, CPU);
        var radii = empty(n, dtype: ScalarType.Float64);
        for (long start = 0; start < n; start += ChunkRows)
        {
            using var chunkScope = NewDisposeScope();
            long rows = Math.Min(ChunkRows, n - start);
            var d = cdist(x.narrow(0, start, rows), x);
            // The k+1 smallest include the point itself at distance 0 (the reference codes' convention).
            var kth = d.topk(k + 1, dim: 1, largest: false, sorted: true).values.select(1, k);
            radii.narrow(0, start, rows).copy_(kth);
        }
        return radii;
    }

    /// <summary>The fraction of <paramref name="queries"/> within radius[i] of some centres[i].</summary>
    private static double FractionInsideAnyBall(Tensor queries, Tensor centres, Tensor radii, bool strict)
    {
        long m = queries.shape[0], inside = 0;
        var r = radii.unsqueeze(0);
        for (long start = 0; start < m; start += ChunkRows)
        {
            using var chunkScope = NewDisposeScope();
            var d = cdist(queries.narrow(0, start, Math.Min(ChunkRows, m - start)), centres);
            var within = strict ? d.lt(r) : d.le(r);
            inside += within.any(1).sum().item<long>();
        }
        return inside / (double)m;
    }

    private static Tensor RadiiOrCompute(Tensor? radii, Tensor real, int k)
    {
        if (radii is null) return KnnRadii(real, k);
        if (radii.dim() != 1 || radii.shape[0] != real.shape[0])
            throw new ArgumentException($"Expected one k-NN radius per real feature ({real.shape[0]}), got [{string.Join(", ", radii.shape)}].", nameof(radii));
        return radii.to(ScalarType.Float64, CPU);
    }

    private static (Tensor Real, Tensor Fake) Prepare(Tensor real, Tensor fake, int k)
    {
        if (real.dim() != 2 || fake.dim() != 2 || real.shape[1] != fake.shape[1])
            throw new ArgumentException(
                $"Expected real and generated features [N, D] of the same D, got [{string.Join(", ", real.shape)}] and [{string.Join(", ", fake.shape)}].");
        if (k < 1 || k >= real.shape[0] || k >= fake.shape[0])
            throw new ArgumentException($"k = {k} needs 1 <= k < each set's size ({real.shape[0]} real, {fake.shape[0]} generated).", nameof(k));
        return (real.to(ScalarType.Float64, CPU), fake.to(ScalarType.Float64, CPU));
    }

    /// <summary>
    /// Euclidean distances, in float64. torch.cdist uses ||a||^2 + ||b||^2 - 2 a.b (a matrix product) for large sets;
    /// in float64 its rounding (about 1e-16 of the squared norms) is far below any k-NN radius.
    /// </summary>
    private static Tensor cdist(Tensor a, Tensor b) => torch.cdist(a, b);
}
