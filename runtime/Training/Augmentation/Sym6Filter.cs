using System.Collections.Concurrent;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Training.Augmentation;

/// <summary>
/// The low-pass decomposition filter of the Symlet-6 wavelet (12 taps, as PyWavelets lists it), which EDM's
/// augment.py uses to upsample 2x before warping and to downsample after, so the resampling does not alias.
/// </summary>
internal static class Sym6Filter
{
    public static readonly double[] Taps =
    {
        0.015404109327027373, 0.0034907120842174702, -0.11799011114819057, -0.048311742585633,
        0.4910559419267466, 0.787641141030194, 0.3379294217276218, -0.07263752278646252,
        -0.021060292512300564, 0.04472490177066578, 0.0017677118642428036, -0.007800708325034148,
    };

    public static int Length => Taps.Length;

    /// <summary>Image-margin the filter needs on each side (augment.py's Hz_pad): a quarter of its length.</summary>
    public static int Pad => Taps.Length / 4;

    private static readonly ConcurrentDictionary<(long, bool, bool, ScalarType, DeviceType, int), Tensor> Kernels = new();

    /// <summary>
    /// A depthwise 1D kernel for <paramref name="channels"/> channels, horizontal [C, 1, 1, 12] or vertical [C, 1, 12, 1].
    /// Built and copied to the device once per shape, dtype and device, not once per step; the caller must not dispose it.
    /// </summary>
    public static Tensor Kernel(long channels, bool reversed, bool vertical, ScalarType dtype, Device device)
    {
        var key = (channels, reversed, vertical, dtype, device.type, device.index);
        if (Kernels.TryGetValue(key, out var kernel)) return kernel;
        // Built under the lock: GetOrAdd alone may build twice in a race and leave the loser's native tensor undisposed.
        lock (Kernels) return Kernels.GetOrAdd(key, _ => Build(channels, reversed, vertical, dtype, device));
    }

    /// <summary>How many kernels are held (tests: a second warp builds none).</summary>
    internal static int CachedKernels => Kernels.Count;

    private static Tensor Build(long channels, bool reversed, bool vertical, ScalarType dtype, Device device)
    {
        var taps = (reversed ? Taps.Reverse() : Taps).Select(v => (float)v).ToArray();
        using var row = tensor(taps, dtype: ScalarType.Float32);
        var shape = vertical ? new long[] { 1, 1, Length, 1 } : new long[] { 1, 1, 1, Length };
        using var one = row.view(shape);
        using var host = one.repeat(channels, 1, 1, 1);
        return host.to(dtype, device).DetachFromDisposeScope();
    }
}
