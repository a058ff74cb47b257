using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime;

/// <summary>
/// Every place in the training step and the sampler that reads tensor values back to the host goes through here, and
/// is counted by site. On a GPU each such read is a host-device synchronisation: the host waits for every queued kernel
/// before it can go on. <c>benchmarks/DiffusionDsl.GpuHarness</c> prints the counts per training and sampler step;
/// <c>HostReadTests.HotPathSourcesReadTheHostOnlyThroughHostReads</c> checks that the hot-path sources read nothing to the host except through this class.
/// </summary>
public static class HostReads
{
    private static long _total;
    private static readonly ConcurrentDictionary<string, long> BySite = new(StringComparer.Ordinal);

    /// <summary>Reads so far in this process.</summary>
    public static long Total => Interlocked.Read(ref _total);

    /// <summary>Reads so far, per site ("StageRouting.Route", ...).</summary>
    public static IReadOnlyDictionary<string, long> Sites => BySite.ToDictionary(p => p.Key, p => p.Value);

    public static void Reset()
    {
        Interlocked.Exchange(ref _total, 0);
        BySite.Clear();
    }

    private static void Count(string site)
    {
        Interlocked.Increment(ref _total);
        BySite.AddOrUpdate(site, 1, (_, n) => n + 1);
    }

    /// <summary>The tensor's values on the host (one read).</summary>
    public static T[] ToArray<T>(Tensor tensor, string site) where T : unmanaged
    {
        Count(site);
        using var host = tensor.device_type == DeviceType.CPU ? tensor.alias() : tensor.cpu();
        return host.data<T>().ToArray();
    }

    /// <summary>A one-element tensor's value on the host (one read).</summary>
    public static T Item<T>(Tensor tensor, string site) where T : unmanaged
    {
        Count(site);
        return tensor.item<T>();
    }
}
