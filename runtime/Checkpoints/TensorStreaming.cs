using System;
using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Checkpoints;

/// <summary>
/// Copies a tensor's raw bytes to and from a stream a chunk at a time, straight from and into native memory, so no
/// managed buffer the size of a tensor (or of a whole checkpoint, which can pass .NET's 2 GiB array limit) is needed.
/// </summary>
internal static class TensorStreaming
{
    /// <summary>Bytes per copy; tests set it small to exercise chunk boundaries.</summary>
    internal static int ChunkBytes = 1 << 20;

    public static long ByteLength(Tensor tensor) => checked(tensor.NumberOfElements * tensor.ElementSize);

    /// <summary>Writes the tensor's elements in row-major order, copying it to the CPU first if needed.</summary>
    public static void Write(Tensor tensor, Stream stream)
    {
        using var scope = NewDisposeScope();
        var flat = tensor.detach().cpu().contiguous().reshape(-1);
        foreach (var (start, count) in Chunks(flat))
            stream.Write(flat.narrow(0, start, count).bytes);
    }

    /// <summary>Fills <paramref name="target"/> (CPU, contiguous) from the stream; throws EndOfStreamException if it ends first.</summary>
    public static void Read(Stream stream, Tensor target)
    {
        if (target.device_type != DeviceType.CPU || !target.is_contiguous())
            throw new ArgumentException("The target must be a contiguous CPU tensor.", nameof(target));
        using var scope = NewDisposeScope();
        var flat = target.view(-1);
        foreach (var (start, count) in Chunks(flat))
            stream.ReadExactly(flat.narrow(0, start, count).bytes);
    }

    private static System.Collections.Generic.IEnumerable<(long Start, long Count)> Chunks(Tensor flat)
    {
        long perChunk = Math.Max(1, ChunkBytes / flat.ElementSize);
        for (long start = 0; start < flat.NumberOfElements; start += perChunk)
            yield return (start, Math.Min(perChunk, flat.NumberOfElements - start));
    }
}
