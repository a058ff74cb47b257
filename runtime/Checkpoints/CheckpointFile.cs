using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Checkpoints;

/// <summary>
/// The checkpoint file: an 8-byte magic, the payload length, the payload's SHA-256, then the payload (model hash, step,
/// weights, EMA, random states, then the optimizer state up to the end). It is streamed, never held in memory whole,
/// and written to a temporary file that is renamed at the end, so a kill never leaves a half-written file under the
/// final name.
/// </summary>
public static class CheckpointFile
{
    internal static readonly byte[] Magic = Encoding.ASCII.GetBytes("DDCKPT02");
    internal static readonly byte[] FirstFormatMagic = Encoding.ASCII.GetBytes("DDCKPT01");
    internal const int HeaderLength = 8 + 8 + 32;
    internal const int FileBufferBytes = 1 << 16;

    /// <summary>Writes <paramref name="data"/>, then whatever <paramref name="optimizerState"/> writes, atomically.</summary>
    public static void Write(string path, CheckpointData data, Action<BinaryWriter>? optimizerState = null)
    {
        AtomicFile.Write(path, file =>
        {
            // The length and hash are known only at the end: write placeholders, stream the payload, then come back.
            file.Write(Magic);
            file.Write(new byte[HeaderLength - Magic.Length]);
            using var hashing = new HashingWriteStream(file);
            using (var writer = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
            {
                WritePayload(writer, data, optimizerState);
                writer.Flush();
            }
            file.Seek(Magic.Length, SeekOrigin.Begin);
            file.Write(BitConverter.GetBytes(hashing.Length));
            file.Write(hashing.Hash());
        }, FileBufferBytes);
    }

    /// <summary>
    /// The model hash a checkpoint was written for, read from its first bytes without checking the rest (for advice
    /// before a run: loading checks everything); null for a file that is not a readable checkpoint.
    /// </summary>
    public static string? PeekModelHash(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            var magic = new byte[Magic.Length];
            if (file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) != magic.Length || !magic.AsSpan().SequenceEqual(Magic)) return null;
            file.Seek(HeaderLength, SeekOrigin.Begin);
            using var reader = new BinaryReader(file, Encoding.UTF8);
            return reader.ReadString();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { return null; }
    }

    /// <summary>Checks the file's integrity and reads everything but the optimizer state; see <see cref="CheckpointReader"/>.</summary>
    public static CheckpointReader Open(string path) => CheckpointReader.Open(path);

    private static void WritePayload(BinaryWriter writer, CheckpointData data, Action<BinaryWriter>? optimizerState)
    {
        writer.Write(data.ModelHash);
        writer.Write(data.Step);
        WriteTensors(writer, data.Model);
        WriteTensors(writer, data.Ema);
        writer.Write(data.RandomStates.Count);
        foreach (var (name, state) in data.RandomStates)
        {
            writer.Write(name);
            writer.Write(state.Length);
            writer.Write(state);
        }
        writer.Write(optimizerState is not null);
        optimizerState?.Invoke(writer);
    }

    private static void WriteTensors(BinaryWriter writer, IReadOnlyList<KeyValuePair<string, Tensor>> tensors)
    {
        writer.Write(tensors.Count);
        foreach (var (name, value) in tensors)
        {
            writer.Write(name);
            writer.Write((int)value.dtype);
            writer.Write((int)value.dim());
            foreach (var size in value.shape) writer.Write(size);
            writer.Write(TensorStreaming.ByteLength(value));
            writer.Flush();
            TensorStreaming.Write(value, writer.BaseStream);
        }
    }
}
