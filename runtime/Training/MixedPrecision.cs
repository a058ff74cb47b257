using System;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Training;

/// <summary>The precision the forward pass and the loss train in; parameters, gradients, optimizer state and EMA stay float32.</summary>
public enum MixedPrecision
{
    /// <summary>
    /// bf16 autocast on a CUDA device when libtorch offers it (<see cref="Autocast.IsAvailable"/>), float32 otherwise: the
    /// exported train.py's `--bf16 auto`. GPUs before Ampere have no fast bf16: use <see cref="Float32"/> there.
    /// </summary>
    Auto,
    /// <summary>
    /// Everything in float32, as the reference code trains (EDM's train.py without --fp16): the trainer also turns off TF32
    /// in CUDA matrix products and convolutions (<see cref="MixedPrecisionPolicy.StrictFloat32"/>), as EDM's training
    /// loop does, where libtorch's default rounds convolution inputs to TF32 on Ampere and later GPUs.
    /// </summary>
    Float32,
    /// <summary>bf16 autocast on any device (the CPU's too); an error where libtorch does not offer autocast.</summary>
    BFloat16,
}

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

    /// <summary>The names users write (`--precision auto|fp32|bf16`).</summary>
    public static MixedPrecision Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "auto" => MixedPrecision.Auto,
        "fp32" or "float32" => MixedPrecision.Float32,
        "bf16" or "bfloat16" => MixedPrecision.BFloat16,
        _ => throw new FormatException($"'{text}' is not a precision: use auto, fp32 or bf16."),
    };
}
