using System;
using System.Linq;

namespace DiffusionDsl.Runtime.Clustering;

/// <summary>A split of grid points 0..G-1 into contiguous stages; Starts[c] is stage c's first index.</summary>
public sealed record Partition(int[] Starts, double Score)
{
    public int StageCount => Starts.Length;
}

/// <summary>
/// A k-stage partition of the grid into contiguous stages, solved exactly by dynamic programming (no MIQP solver). It is
/// not Algorithm 1 (the paper's threshold rule, <see cref="TwoBoundarySearch"/>) nor the reference's solver, which
/// maximises each stage's plain mean similarity and so favours one-point stages. The score is kernel k-means' with S as
/// the kernel:
/// sum over stages c of (1 / |c|) sum_{i, j in c} S_ij, i.e. each stage's mean within-stage similarity
/// weighted by its size, which neither favours one huge stage nor singletons. O(k G^2).
/// </summary>
public static class ContiguousPartition
{
    public static Partition Solve(double[,] similarity, int stages)
    {
        int n = similarity.GetLength(0);
        if (similarity.GetLength(1) != n) throw new ArgumentException("The similarity matrix must be square.");
        // Points [i, j) make the stage [t_i, t_j) and the last one [t_i, 1]: to span any time it holds two points (t = 1 and
        // one before it), else its boundary would be 1 and the stage empty.
        int most = n == 1 ? 1 : n - 1;
        if (stages < 1 || stages > most) throw new ArgumentOutOfRangeException(nameof(stages), $"Need 1 to {most} stages for a grid of {n} times.");
        var blocks = new BlockSums(similarity);

        // best[c, j]: the best score of the first j points in c stages; from[c, j]: where its last stage starts.
        var best = new double[stages + 1, n + 1];
        var from = new int[stages + 1, n + 1];
        for (int c = 0; c <= stages; c++) for (int j = 0; j <= n; j++) best[c, j] = double.NegativeInfinity;
        best[0, 0] = 0;
        for (int c = 1; c <= stages; c++)
            for (int j = c; j <= n - (stages - c); j++)
                for (int i = c - 1; i < (c == stages && stages > 1 ? j - 1 : j); i++)
                {
                    if (double.IsNegativeInfinity(best[c - 1, i])) continue;
                    double score = best[c - 1, i] + StageScore(blocks, i, j);
                    if (score > best[c, j]) { best[c, j] = score; from[c, j] = i; }
                }

        var starts = new int[stages];
        for (int c = stages, j = n; c >= 1; c--) { starts[c - 1] = from[c, j]; j = from[c, j]; }
        return new Partition(starts, best[stages, n]);
    }

    /// <summary>The score of one stage holding points [begin, end).</summary>
    public static double StageScore(double[,] similarity, int begin, int end) => StageScore(new BlockSums(similarity), begin, end);

    /// <summary>The score of any partition, for checking.</summary>
    public static double Score(double[,] similarity, int[] starts)
    {
        var blocks = new BlockSums(similarity);
        var ends = starts.Skip(1).Append(similarity.GetLength(0)).ToArray();
        return starts.Select((s, c) => StageScore(blocks, s, ends[c])).Sum();
    }

    private static double StageScore(BlockSums blocks, int begin, int end) => blocks.Sum(begin, end) / (end - begin);

    /// <summary>Sums of square diagonal blocks in O(1) from 2-D prefix sums.</summary>
    private sealed class BlockSums
    {
        private readonly double[,] _prefix;

        public BlockSums(double[,] matrix)
        {
            int n = matrix.GetLength(0);
            _prefix = new double[n + 1, n + 1];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    _prefix[i + 1, j + 1] = matrix[i, j] + _prefix[i, j + 1] + _prefix[i + 1, j] - _prefix[i, j];
        }

        public double Sum(int begin, int end) =>
            _prefix[end, end] - _prefix[begin, end] - _prefix[end, begin] + _prefix[begin, begin];
    }
}
