using System;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Clustering;

/// <summary>
/// The exact optimal denoiser of a finite training set (paper Eq. 4). With z = x / s_t the posterior
/// over the N images is w = softmax_i(-||z - y_i||^2 / (2 sigma_t^2)), so E[x0 | x_t] = sum_i w_i y_i.
/// The softmax runs over the dataset in chunks with a running max (online log-sum-exp), so memory is
/// O(queries x (D + chunk)) whatever N is, and every query of a call shares each chunk's matmul.
/// </summary>
public sealed class OptimalDenoiser : IDisposable
{
    private readonly Tensor _data;

    /// <summary>Images per chunk of the streamed softmax.</summary>
    public int ChunkSize { get; }
    public long Count => _data.shape[0];
    public long Dimension => _data.shape[1];

    /// <param name="data">The training set [N, ...], in the space the diffusion runs in (e.g. [-1, 1]); copied as float32 [N, D].</param>
    public OptimalDenoiser(Tensor data, int chunkSize = 2048)
    {
        if (data.shape[0] == 0) throw new ArgumentException("The dataset holds no images.", nameof(data));
        if (chunkSize <= 0) throw new ArgumentOutOfRangeException(nameof(chunkSize));
        using (NewDisposeScope())
            _data = data.detach().reshape(data.shape[0], -1).to_type(ScalarType.Float32).contiguous().clone().MoveToOuterDisposeScope();
        ChunkSize = chunkSize;
    }

    /// <summary>Training images by index, [len(indices), D].</summary>
    public Tensor Rows(Tensor indices) => _data.index_select(0, indices);

    /// <summary>
    /// E[x0 | z] for queries z = x / s_t, shape [Q, D], each with its own sigma (shape [Q]).
    /// <paramref name="precision"/> Float64 converts each chunk on the fly, for checking float32.
    /// </summary>
    public Tensor PosteriorMean(Tensor z, Tensor sigma, ScalarType precision = ScalarType.Float32)
    {
        long queries = z.shape[0];
        using var outer = NewDisposeScope();
        var zq = z.reshape(queries, -1).to_type(precision);
        if (zq.shape[1] != Dimension) throw new ArgumentException($"Queries have {zq.shape[1]} values, the dataset's images {Dimension}.", nameof(z));
        var inverseVariance = sigma.to_type(precision).reshape(queries, 1).pow(-2);
        var runningMax = full(queries, 1, double.NegativeInfinity, dtype: precision);
        var runningSum = zeros(queries, 1, dtype: precision);
        var weighted = zeros(queries, Dimension, dtype: precision);

        for (long start = 0; start < Count; start += ChunkSize)
        {
            using var step = NewDisposeScope();
            var y = _data.narrow(0, start, Math.Min(ChunkSize, Count - start)).to_type(precision);
            // -||z - y||^2 / (2 sigma^2) up to the per-query constant -||z||^2 / (2 sigma^2), which the softmax drops.
            var logits = zq.matmul(y.t()).sub_(y.square().sum(1).mul_(0.5)).mul_(inverseVariance);
            var newMax = maximum(runningMax, logits.amax(new long[] { 1 }, keepdim: true));
            var rescale = runningMax.sub(newMax).exp_();
            var weights = logits.sub_(newMax).exp_();
            // The running values are updated in place: one copy of each, whatever the number of chunks.
            runningSum.mul_(rescale).add_(weights.sum(1, keepdim: true));
            weighted.mul_(rescale).addmm_(weights, y);
            runningMax.copy_(newMax);
        }
        return weighted.div_(runningSum).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The optimal prediction for x_t = s_t (x0 + sigma_t eps), x of shape [B, ...] and t of shape [B],
    /// for any schedule and prediction target. Returns [B, ...] in x's dtype.
    /// </summary>
    public Tensor Predict(Tensor x, Tensor t, INoiseSchedule schedule, PredictionTarget target = PredictionTarget.Eps,
        ScalarType precision = ScalarType.Float32)
    {
        using var scope = NewDisposeScope();
        var times = t.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
        var scale = tensor(Array.ConvertAll(times, schedule.Scale), dtype: precision);
        var sigma = tensor(Array.ConvertAll(times, schedule.Sigma), dtype: precision);
        var z = x.reshape(x.shape[0], -1).to_type(precision).div(scale.unsqueeze(1));
        var mean = PosteriorMean(z, sigma, precision);
        return OptimalTargets.FromPosteriorMean(z, mean, sigma, target).reshape(x.shape).to_type(x.dtype).MoveToOuterDisposeScope();
    }

    public void Dispose() => _data.Dispose();
}
