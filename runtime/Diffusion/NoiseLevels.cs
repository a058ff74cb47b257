using DiffusionDsl.Runtime.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Diffusion;

/// <summary>Per-sample s_t and sigma_t, shaped [N, 1, 1, ...] to broadcast against a batch like <c>like</c>.</summary>
public sealed class NoiseLevels : System.IDisposable
{
    public Tensor Scale { get; }
    public Tensor Sigma { get; }

    private NoiseLevels(Tensor scale, Tensor sigma) { Scale = scale; Sigma = sigma; }

    /// <summary>
    /// The levels at per-sample times t, evaluated by the schedule's tensor forms in float64 on t's device (no host
    /// read: <see cref="INoiseSchedule.Scales"/>, <see cref="INoiseSchedule.Sigmas"/>), then cast to like's dtype.
    /// </summary>
    public static NoiseLevels Of(INoiseSchedule schedule, Tensor t, Tensor like)
    {
        using var scope = NewDisposeScope();
        var t64 = t.to(ScalarType.Float64).to(like.device);
        var shape = BroadcastShape(like, t.shape[0]);
        return new NoiseLevels(
            schedule.Scales(t64).to(like.dtype).view(shape).MoveToOuterDisposeScope(),
            schedule.Sigmas(t64).to(like.dtype).view(shape).MoveToOuterDisposeScope());
    }

    /// <summary>The levels at one time t shared by the batch, computed on the host (a sampler step: no read).</summary>
    public static NoiseLevels Of(INoiseSchedule schedule, double t, Tensor like)
    {
        var shape = BroadcastShape(like, like.shape[0]);
        return new NoiseLevels(
            full(shape, schedule.Scale(t), dtype: like.dtype, device: like.device),
            full(shape, schedule.Sigma(t), dtype: like.dtype, device: like.device));
    }

    private static long[] BroadcastShape(Tensor like, long n)
    {
        var shape = new long[like.dim()];
        shape[0] = n;
        for (int i = 1; i < shape.Length; i++) shape[i] = 1;
        return shape;
    }

    public void Dispose() { Scale.Dispose(); Sigma.Dispose(); }
}
