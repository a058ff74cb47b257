using System;
using TorchSharp;

namespace DiffusionDsl.Runtime;

/// <summary>Picks the device (CUDA when available, else CPU) unless the user overrides it.</summary>
public static class TorchSetup
{
    /// <summary>
    /// The requested device ("cpu", "cuda", "cuda:N"; else $DIFFUSIONDSL_DEVICE), or CUDA when available, else
    /// the CPU. A request this process cannot serve is an <see cref="ArgumentException"/> that names it.
    /// </summary>
    public static torch.Device DefaultDevice(string? overrideDevice = null)
    {
        var requested = overrideDevice ?? Environment.GetEnvironmentVariable("DIFFUSIONDSL_DEVICE");
        if (string.IsNullOrWhiteSpace(requested)) return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        Check(requested);
        return new torch.Device(requested);
    }

    private static void Check(string device)
    {
        if (device == "cpu") return;
        if (!device.StartsWith("cuda", StringComparison.Ordinal))
            throw new ArgumentException($"{device}: expected cpu, cuda or cuda:N.");
        if (!torch.cuda.is_available())
            throw new ArgumentException($"{device}: CUDA is not available (no GPU, or TorchSharp's CPU backend; build with -p:TorchBackend=cuda).");
        int count = torch.cuda.device_count();
        if (device.Length > 4 && (device[4] != ':' || !int.TryParse(device[5..], out int index) || index < 0 || index >= count))
            throw new ArgumentException($"{device}: expected cuda or cuda:N with N below {count}.");
    }
}
