using System;
using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Runtime.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Clustering;

/// <summary>
/// Per-coordinate mean squared errors over held-out (x0, t, eps), overall and per stage:
/// Excess = |eps_model - eps*|^2 (distance from the exact optimum), Model = |eps_model - eps|^2
/// (the training loss) and Optimal = |eps* - eps|^2 (the loss no model trained on this set can beat on it).
/// </summary>
public sealed record ExcessLossReport(
    double Excess, double Model, double Optimal,
    double[] ExcessPerStage, double[] ModelPerStage, double[] OptimalPerStage, long[] SamplesPerStage);

public static class ExcessLoss
{
    /// <param name="predictor">The trained model: (x_t [B, ...], t [B]) to its eps prediction [B, ...].</param>
    /// <param name="heldOut">Images [M, ...] in the diffusion's data space, not in the denoiser's training set.</param>
    /// <param name="boundaries">Inner stage boundaries in t, ascending.</param>
    public static ExcessLossReport Measure(OptimalDenoiser denoiser, INoiseSchedule schedule, Tensor heldOut,
        Func<Tensor, Tensor, Tensor> predictor, IReadOnlyList<double> boundaries, int samples, int batchSize = 64, long seed = 0)
    {
        int stages = boundaries.Count + 1;
        var sums = new double[3, stages];
        var counts = new long[stages];
        using var generator = new Generator((ulong)seed);
        for (int done = 0; done < samples; done += batchSize)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            int batch = Math.Min(batchSize, samples - done);
            var x0 = heldOut.index_select(0, randint(0, heldOut.shape[0], new long[] { batch }, generator: generator)).to_type(ScalarType.Float32);
            var t = rand(new long[] { batch }, dtype: ScalarType.Float64, generator: generator).mul_(1 - schedule.MinTime).add_(schedule.MinTime);
            var eps = randn(x0.shape, generator: generator);
            var times = t.data<double>().ToArray();
            var shape = new long[] { batch }.Concat(Enumerable.Repeat(1L, (int)x0.dim() - 1)).ToArray();
            var scale = tensor(times.Select(schedule.Scale).ToArray(), dtype: ScalarType.Float32).reshape(shape);
            var sigma = tensor(times.Select(schedule.Sigma).ToArray(), dtype: ScalarType.Float32).reshape(shape);
            var x = x0.add(eps.mul(sigma)).mul_(scale);
            var tModel = t.to_type(ScalarType.Float32);

            var optimal = denoiser.Predict(x, tModel, schedule);
            var model = predictor(x, tModel).to_type(ScalarType.Float32);
            var errors = new[] { PerSample(model, optimal), PerSample(model, eps), PerSample(optimal, eps) };
            for (int i = 0; i < batch; i++)
            {
                int stage = StageOf(times[i], boundaries);
                counts[stage]++;
                for (int e = 0; e < 3; e++) sums[e, stage] += errors[e][i];
            }
        }

        double[] PerStage(int e) => Enumerable.Range(0, stages).Select(s => counts[s] == 0 ? double.NaN : sums[e, s] / counts[s]).ToArray();
        double Overall(int e) => Enumerable.Range(0, stages).Sum(s => sums[e, s]) / samples;
        return new ExcessLossReport(Overall(0), Overall(1), Overall(2), PerStage(0), PerStage(1), PerStage(2), counts);
    }

    private static double[] PerSample(Tensor a, Tensor b) =>
        a.sub(b).square().reshape(a.shape[0], -1).mean(new long[] { 1 }).to_type(ScalarType.Float64).data<double>().ToArray();

    private static int StageOf(double t, IReadOnlyList<double> boundaries)
    {
        int stage = 0;
        while (stage < boundaries.Count && t >= boundaries[stage]) stage++;
        return stage;
    }
}
