using System.Linq;
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

    public static NoiseLevels Of(INoiseSchedule schedule, Tensor t, Tensor like)
    {
        using var t64 = t.to(ScalarType.Float64);
        var times = HostReads.ToArray<double>(t64, "NoiseLevels.Of");
        return Of(times.Select(schedule.Scale).ToArray(), times.Select(schedule.Sigma).ToArray(), like);
    }

    public static NoiseLevels Of(double[] scales, double[] sigmas, Tensor like)
    {
        var shape = new long[like.dim()];
        shape[0] = scales.Length;
        for (int i = 1; i < shape.Length; i++) shape[i] = 1;
        return new NoiseLevels(
            tensor(scales, dtype: like.dtype, device: like.device).view(shape),
            tensor(sigmas, dtype: like.dtype, device: like.device).view(shape));
    }

    public void Dispose() { Scale.Dispose(); Sigma.Dispose(); }
}
