using System.Collections.Concurrent;
using DiffusionDsl.Runtime.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Blocks;

/// <summary>
/// EDM's resample filters (networks.py Conv2d). [1, 1] is a 2x2 box filter with stride 2 (down) or its transpose
/// (up), which equal average pooling and nearest-neighbour upsampling. [1, 3, 3, 1] (NCSN++) is the 4x4 outer
/// product over 64, applied to each channel with stride 2 and padding 1, or transposed, times 4, for up.
/// </summary>
public static class Resampling
{
    // Per device, dtype and direction (up carries the transpose's factor 4). Two threads that race on a first use may
    // both build one; the loser's copy is a 64-byte tensor never freed.
    private static readonly ConcurrentDictionary<(DeviceType, int, ScalarType, bool Up), Tensor> Kernels = new();

    public static Tensor Down(Tensor x) => nn.functional.avg_pool2d(x, 2);

    public static Tensor Up(Tensor x) => nn.functional.interpolate(x, scale_factor: new double[] { 2, 2 }, mode: InterpolationMode.Nearest);

    public static Tensor Down(Tensor x, ResampleFilter filter) => filter == ResampleFilter.Box ? Down(x) : FirDown(x, padding: 1);

    public static Tensor Up(Tensor x, ResampleFilter filter)
    {
        if (filter == ResampleFilter.Box) return Up(x);
        long channels = x.shape[1];
        return nn.functional.conv_transpose2d(x, FirKernel(x, up: true).expand(channels, 1, 4, 4), strides: new long[] { 2, 2 },
            padding: new long[] { 1, 1 }, groups: channels);
    }

    /// <summary>The FIR filter applied to each channel with stride 2; padding 1 halves the size, padding 0 takes H + 2 to H / 2 (fused resampling).</summary>
    public static Tensor FirDown(Tensor x, int padding)
    {
        long channels = x.shape[1];
        return nn.functional.conv2d(x, FirKernel(x, up: false).expand(channels, 1, 4, 4), strides: new long[] { 2, 2 },
            padding: new long[] { padding, padding }, groups: channels);
    }

    /// <summary>
    /// EDM's resample_filter buffer for <paramref name="filter"/>, float32 on the CPU: the outer product of the taps with
    /// itself over their sum squared, [1, 1, 2, 2] ([1, 1] taps) or [1, 1, 4, 4] ([1, 3, 3, 1]).
    /// </summary>
    public static Tensor Kernel(ResampleFilter filter)
    {
        using var taps = tensor(filter == ResampleFilter.Box ? new float[] { 1, 1 } : new float[] { 1, 3, 3, 1 });
        long size = taps.shape[0];
        return taps.outer(taps).div_(taps.sum().square()).reshape(1, 1, size, size);
    }

    /// <summary>The FIR kernel (times 4 for up) in x's dtype on x's device, made once per device and dtype (no copy per call).</summary>
    private static Tensor FirKernel(Tensor x, bool up) => Kernels.GetOrAdd((x.device_type, x.device_index, x.dtype, up), key =>
    {
        using var fir = Kernel(ResampleFilter.Fir);
        var kernel = fir.mul(key.Up ? 4 : 1).to(key.Item3, new Device(key.Item1, key.Item2));
        kernel.DetachFromDisposeScope();
        return kernel;
    });
}
