using System;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Training;

public static class MixedPrecisionPolicy
{
    /// <summary>Whether training on <paramref name="device"/> runs its forward pass under bf16 <see cref="Autocast"/>.</summary>
    public static bool UsesBf16Autocast(MixedPrecision precision, Device device) => precision switch
    {
        MixedPrecision.Float32 => false,
        MixedPrecision.Auto => device.type == DeviceType.CUDA && Autocast.IsAvailable,
        MixedPrecision.BFloat16 when device.type is not (DeviceType.CPU or DeviceType.CUDA) =>
            throw new ArgumentException($"MixedPrecision.BFloat16: autocast runs on the CPU or CUDA, not {device.type}.", nameof(device)),
        MixedPrecision.BFloat16 => Autocast.IsAvailable
            ? true
            : throw new PlatformNotSupportedException($"MixedPrecision.BFloat16: {Autocast.Describe()}."),
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, null),
    };

    /// <summary>
    /// EDM's training_loop.py: torch.backends.cudnn.allow_tf32 = False and torch.backends.cuda.matmul.allow_tf32 = False,
    /// until the returned handle is disposed, which puts back the values it found. The switches are the process's
    /// (libtorch's global context) and only change CUDA kernels; the trainer holds them off for a Float32 step only, so
    /// neither a later trainer nor the caller's own code inherits them.
    /// </summary>
    public static IDisposable StrictFloat32() => new Tf32Off();

    private sealed class Tf32Off : IDisposable
    {
        private readonly bool _cublas = torch.backends.cuda.matmul.allow_tf32, _cudnn = torch.backends.cudnn.allow_tf32;

        public Tf32Off()
        {
            torch.backends.cuda.matmul.allow_tf32 = false;
            torch.backends.cudnn.allow_tf32 = false;
        }

        public void Dispose()
        {
            torch.backends.cuda.matmul.allow_tf32 = _cublas;
            torch.backends.cudnn.allow_tf32 = _cudnn;
        }
    }

    /// <summary>The names users write (`--precision auto|fp32|bf16`, as the .msd's train precision; float32 and bfloat16 too).</summary>
    public static MixedPrecision Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "float32" => MixedPrecision.Float32,
        "bfloat16" => MixedPrecision.BFloat16,
        var name when MixedPrecisionNames.ByName.TryGetValue(name, out var precision) => precision,
        _ => throw new FormatException($"'{text}' is not a precision: use auto, fp32 or bf16."),
    };
}
