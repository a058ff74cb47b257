using System;
using System.Globalization;
using TorchSharp;

namespace DiffusionDsl.Runtime;

/// <summary>Picks the device (CUDA when available, else CPU) unless the user overrides it.</summary>
public static class TorchSetup
{
    /// <summary>The environment variable that names the device when a command is given none.</summary>
    public const string DeviceVariable = "DIFFUSIONDSL_DEVICE";

    /// <summary>
    /// The requested device ("cpu", "cuda", "cuda:N"; else $DIFFUSIONDSL_DEVICE), or CUDA when available, else
    /// the CPU. A request this process cannot serve is an <see cref="ArgumentException"/> that names it.
    /// </summary>
    public static torch.Device DefaultDevice(string? overrideDevice = null)
    {
        var requested = overrideDevice ?? Environment.GetEnvironmentVariable(DeviceVariable);
        if (string.IsNullOrWhiteSpace(requested)) return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        try { Check(requested); }
        // The user set the variable long ago, perhaps in another shell's profile: the message says where the name came from.
        catch (ArgumentException e) when (overrideDevice is null) { throw new ArgumentException($"{DeviceVariable}={e.Message}", e); }
        return new torch.Device(requested);
    }

    /// <summary>
    /// Refuses a device name other than cpu, cuda or cuda:N without loading the native libraries, so a command can refuse
    /// a misspelt --device before it builds or loads anything.
    /// </summary>
    public static void CheckDeviceName(string device)
    {
        if (device is "cpu" or "cuda") return;
        if (device.StartsWith("cuda:", StringComparison.Ordinal) &&
            int.TryParse(device.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out _)) return;
        throw new ArgumentException($"{device}: expected cpu, cuda or cuda:N.");
    }

    private static void Check(string device)
    {
        CheckDeviceName(device);
        if (device == "cpu") return;
        if (!torch.cuda.is_available())
            throw new ArgumentException($"{device}: CUDA is not available (no GPU, or TorchSharp's CPU backend; build with -p:TorchBackend=cuda).");
        int count = torch.cuda.device_count();
        if (device.Length > 4 && int.Parse(device.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture) >= count)
            throw new ArgumentException($"{device}: expected cuda or cuda:N with N below {count}.");
    }
}
