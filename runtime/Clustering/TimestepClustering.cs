using System;
using System.Diagnostics;
using System.Linq;

namespace DiffusionDsl.Runtime.Clustering;

/// <summary>The library entry point for choosing stage boundaries (the CLI's `cluster` command calls this).</summary>
public static class TimestepClustering
{
    public static ClusteringResult Run(ClusteringOptions options)
    {
        if (options.Stages < 1) throw new ArgumentOutOfRangeException(nameof(options), "Need at least one stage.");
        var clock = Stopwatch.StartNew();
        var grid = (options.Grid ?? TimeGrid.Uniform(options.GridSize, options.Schedule)).ToArray();

        switch (options.Method)
        {
            case ClusteringMethod.Uniform:
                return Baseline(BaselineBoundaries.Uniform(options.Stages));
            case ClusteringMethod.LogSnrKMedians:
                return Baseline(BaselineBoundaries.LogSnrKMedians(options.Schedule, options.Stages));
        }

        if (options.Method == ClusteringMethod.Algorithm1 && options.Stages != 3)
            throw new ArgumentException("Algorithm 1 finds exactly two boundaries (3 stages); use Partition for other counts.", nameof(options));

        using var denoiser = new OptimalDenoiser(options.Data, options.ChunkSize);
        var measured = TimestepSimilarity.Measure(denoiser, options.Schedule, grid, options.Similarity);
        if (options.Method == ClusteringMethod.Algorithm1)
        {
            var found = TwoBoundarySearch.Solve(measured.Matrix, grid, options.Alpha);
            return new ClusteringResult(options.Method, new[] { found.T1, found.T2 }, grid, measured.Matrix,
                new[] { 0, found.Index1, found.Index2 }, found, measured.Float64MaxDifference, clock.Elapsed);
        }

        var partition = ContiguousPartition.Solve(measured.Matrix, options.Stages);
        var boundaries = partition.Starts.Skip(1).Select(i => grid[i]).ToArray();
        return new ClusteringResult(options.Method, boundaries, grid, measured.Matrix, partition.Starts,
            null, measured.Float64MaxDifference, clock.Elapsed);

        ClusteringResult Baseline(double[] boundaries) =>
            new(options.Method, boundaries, grid, null, null, null, 0, clock.Elapsed);
    }
}
