using System;
using TorchSharp;

namespace DiffusionDsl.Runtime;

/// <summary>Picks the device (CUDA when available, else CPU) unless the user overrides it.</summary>
public static class TorchSetup
{
    public static torch.Device DefaultDevice(string? overrideDevice = null)
    {
        var requested = overrideDevice ?? Environment.GetEnvironmentVariable("DIFFUSIONDSL_DEVICE");
        if (!string.IsNullOrWhiteSpace(requested)) return new torch.Device(requested);
        return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
    }
}
