using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Checkpoints;

/// <summary>
/// The checkpoint file: an 8-byte magic, the payload length, the payload's SHA-256, then the payload. Written to a
/// temporary file and renamed, so a kill never leaves a half-written file under the final name.
/// </summary>
public static class CheckpointFile
{
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("DDCKPT01");
    private const int HeaderLength = 8 + 8 + 32;

    public static void Write(string path, CheckpointData data)
    {
        var payload = Serialise(data);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(Magic);
            stream.Write(BitConverter.GetBytes((long)payload.Length));
            stream.Write(SHA256.HashData(payload));
            stream.Write(payload);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    public static CheckpointData Read(string path)
    {
        if (!File.Exists(path)) throw new CheckpointException(path, "file not found.");
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < HeaderLength)
            throw new CheckpointException(path, $"truncated: {bytes.Length} bytes, shorter than the {HeaderLength}-byte header.");
        if (!bytes.AsSpan(0, 8).SequenceEqual(Magic))
            throw new CheckpointException(path, $"not a DiffusionDsl checkpoint (its first bytes are not '{Encoding.ASCII.GetString(Magic)}').");
        long payloadLength = BitConverter.ToInt64(bytes, 8);
        long present = bytes.Length - HeaderLength;
        if (present < payloadLength)
            throw new CheckpointException(path, $"truncated: the header promises {payloadLength} payload bytes but the file holds {present}.");
        if (present > payloadLength)
            throw new CheckpointException(path, $"corrupt: {present - payloadLength} unexpected bytes after the payload.");
        var payload = bytes.AsSpan(HeaderLength);
        if (!SHA256.HashData(payload).AsSpan().SequenceEqual(bytes.AsSpan(16, 32)))
            throw new CheckpointException(path, "corrupt: the SHA-256 of its contents does not match the one it was written with.");
        try
        {
            return Deserialise(payload.ToArray());
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or FormatException or OverflowException)
        {
            throw new CheckpointException(path, $"corrupt: {e.Message}", e);
        }
    }

    private static byte[] Serialise(CheckpointData data)
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(data.ModelHash);
            writer.Write(data.Step);
            WriteTensors(writer, data.Model);
            WriteTensors(writer, data.Ema);
            WriteBlob(writer, data.OptimizerState);
            WriteBlob(writer, data.GeneratorState);
        }
        return memory.ToArray();
    }

    private static CheckpointData Deserialise(byte[] payload)
    {
        using var reader = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
        var hash = reader.ReadString();
        var step = reader.ReadInt64();
        var model = ReadTensors(reader);
        var ema = ReadTensors(reader);
        var optimizer = ReadBlob(reader);
        var generator = ReadBlob(reader);
        return new CheckpointData(hash, step, model, ema, optimizer, generator);
    }

    private static void WriteTensors(BinaryWriter writer, IReadOnlyList<KeyValuePair<string, Tensor>> tensors)
    {
        writer.Write(tensors.Count);
        foreach (var (name, value) in tensors)
        {
            using var cpu = value.detach().cpu().contiguous();
            writer.Write(name);
            writer.Write((int)cpu.dtype);
            writer.Write((int)cpu.dim());
            foreach (var size in cpu.shape) writer.Write(size);
            var raw = cpu.bytes;
            writer.Write((long)raw.Length);
            writer.Write(raw);
        }
    }

    private static List<KeyValuePair<string, Tensor>> ReadTensors(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count < 0) throw new FormatException($"negative tensor count {count}.");
        var tensors = new List<KeyValuePair<string, Tensor>>(count);
        for (int i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            var dtype = (ScalarType)reader.ReadInt32();
            int rank = reader.ReadInt32();
            if (rank is < 0 or > 16) throw new FormatException($"tensor '{name}' has an impossible rank {rank}.");
            var shape = new long[rank];
            for (int d = 0; d < rank; d++) shape[d] = reader.ReadInt64();
            long length = reader.ReadInt64();
            var raw = reader.ReadBytes(checked((int)length));
            if (raw.Length != length) throw new EndOfStreamException($"tensor '{name}' ends early.");
            var value = empty(shape, dtype: dtype);
            if (value.NumberOfElements * value.ElementSize != length) throw new FormatException($"tensor '{name}' holds {length} bytes, not the {value.NumberOfElements * value.ElementSize} its shape needs.");
            value.bytes = raw;
            tensors.Add(new(name, value));
        }
        return tensors;
    }

    private static void WriteBlob(BinaryWriter writer, byte[] blob)
    {
        writer.Write(blob.Length);
        writer.Write(blob);
    }

    private static byte[] ReadBlob(BinaryReader reader)
    {
        int length = reader.ReadInt32();
        var blob = reader.ReadBytes(length);
        if (blob.Length != length) throw new EndOfStreamException("a state block ends early.");
        return blob;
    }
}
