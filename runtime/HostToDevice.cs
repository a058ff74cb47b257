using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime;

/// <summary>
/// The hot path's copies from the host to the device: each step's training batch and the samplers' per-image noise,
/// which are drawn on the CPU so that a seed gives the same run on every device. To a CUDA device a copy from pageable
/// memory makes the host wait until the copy has run, behind every kernel already queued; staged through page-locked
/// memory it is queued (non_blocking) and the host goes on to queue the step. PyTorch's caching host allocator keeps
/// the page-locked block until the copy reading it has run, so the staging tensor is released at once. Elsewhere (the
/// CPU, a tensor already on a device) it is a plain <c>to</c>.
/// </summary>
public static class HostToDevice
{
    public static Tensor Copy(Tensor host, Device device)
    {
        if (device.type != DeviceType.CUDA || host.device_type != DeviceType.CPU) return host.to(device);
        using var pinned = host.pin_memory();
        return pinned.to(device, non_blocking: true);
    }
}
