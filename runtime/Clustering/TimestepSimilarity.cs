using System;
using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Runtime.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Clustering;

/// <summary>The measured similarity matrix and how far float32 strayed from float64 on the checked queries.</summary>
public sealed record SimilarityMeasurement(double[,] Matrix, double Float64MaxDifference);

/// <summary>
/// S(ta, tb) = E over (x0, eps) of the fraction of coordinates where the optimal predictions at ta and tb
/// differ by at most eta, with the same x0 and eps at both times (paper Sec. 4.2). One set of K samples
/// serves every pair, so the denoiser runs G x K queries, all batched against each dataset chunk,
/// instead of K per pair.
/// </summary>
public static class TimestepSimilarity
{
    public static SimilarityMeasurement Measure(OptimalDenoiser denoiser, INoiseSchedule schedule, IReadOnlyList<double> grid, SimilarityOptions options)
    {
        using var scope = NewDisposeScope();
        var (predictions, float64Difference) = OptimalPredictions(denoiser, schedule, grid, options);
        return new SimilarityMeasurement(FromPredictions(predictions, options.Eta), float64Difference);
    }

    /// <summary>The optimal predictions [G, K, D] at every grid time for K shared (x0, eps) samples.</summary>
    public static (Tensor Predictions, double Float64MaxDifference) OptimalPredictions(
        OptimalDenoiser denoiser, INoiseSchedule schedule, IReadOnlyList<double> grid, SimilarityOptions options)
    {
        int times = grid.Count, samples = options.SamplesPerPair;
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)options.Seed);
        var x0 = denoiser.Rows(randint(0, denoiser.Count, new long[] { samples }, generator: generator));
        var eps = randn(new long[] { samples, denoiser.Dimension }, generator: generator);
        var sigmas = new double[times];
        for (int g = 0; g < times; g++) sigmas[g] = schedule.Sigma(grid[g]);

        var predictions = empty(times, samples, denoiser.Dimension);
        int timesPerBlock = Math.Max(1, options.QueryBlock / samples);
        for (int first = 0; first < times; first += timesPerBlock)
        {
            using var block = NewDisposeScope();
            int count = Math.Min(timesPerBlock, times - first);
            var sigma = tensor(sigmas.AsSpan(first, count).ToArray(), dtype: ScalarType.Float32).reshape(count, 1, 1);
            var z = x0.unsqueeze(0).add(eps.unsqueeze(0).mul(sigma)).reshape(count * samples, -1);
            var sigmaPerQuery = sigma.expand(count, samples, 1).reshape(-1);
            var mean = denoiser.PosteriorMean(z, sigmaPerQuery);
            var target = OptimalTargets.FromPosteriorMean(z, mean, sigmaPerQuery, options.Target);
            predictions.narrow(0, first, count).copy_(target.reshape(count, samples, -1));
        }

        double difference = Float64Difference(denoiser, predictions, x0, eps, sigmas, options);
        return (predictions.MoveToOuterDisposeScope(), difference);
    }

    /// <summary>S[a, b] = mean over samples and coordinates of |P[a] - P[b]| &lt;= eta, for predictions [G, K, D].</summary>
    public static double[,] FromPredictions(Tensor predictions, double eta)
    {
        int times = (int)predictions.shape[0];
        var matrix = new double[times, times];
        for (int a = 0; a < times; a++)
        {
            using var scope = NewDisposeScope();
            var rest = predictions.narrow(0, a, times - a);
            var agree = rest.sub(predictions[a].unsqueeze(0)).abs_().le(eta).to_type(ScalarType.Float64).mean(new long[] { 1, 2 });
            var values = agree.data<double>().ToArray();
            for (int b = a; b < times; b++) matrix[a, b] = matrix[b, a] = values[b - a];
        }
        return matrix;
    }

    /// <summary>Recomputes a few queries, spread over the grid, in float64 in one pass over the data.</summary>
    private static double Float64Difference(OptimalDenoiser denoiser, Tensor predictions, Tensor x0, Tensor eps, double[] sigmas, SimilarityOptions options)
    {
        int checks = Math.Min(options.Float64CheckQueries, sigmas.Length);
        if (checks <= 0) return 0;
        using var scope = NewDisposeScope();
        var times = Enumerable.Range(0, checks).Select(c => checks == 1 ? 0 : c * (sigmas.Length - 1) / (checks - 1)).ToArray();
        var samples = Enumerable.Range(0, checks).Select(c => c % (int)x0.shape[0]).ToArray();
        var sigma = tensor(times.Select(g => sigmas[g]).ToArray(), dtype: ScalarType.Float64);
        var sampleIndex = tensor(samples.Select(k => (long)k).ToArray());
        var z = x0.index_select(0, sampleIndex).to_type(ScalarType.Float64)
            .add(eps.index_select(0, sampleIndex).to_type(ScalarType.Float64).mul(sigma.unsqueeze(1)));
        var mean = denoiser.PosteriorMean(z, sigma, ScalarType.Float64);
        var exact = OptimalTargets.FromPosteriorMean(z, mean, sigma, options.Target);
        var single = stack(times.Select((g, c) => predictions[g][samples[c]]).ToArray()).to_type(ScalarType.Float64);
        return exact.sub(single).abs().max().item<double>();
    }
}
