using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Checkpoints;

/// <summary>
/// An open checkpoint whose SHA-256 has been checked and whose weights, EMA and random states are read
/// (<see cref="Data"/>); the optimizer state, written last, is streamed on request by
/// <see cref="ReadOptimizerState"/>. Disposing closes the file and frees <see cref="Data"/>'s tensors.
/// </summary>
public sealed class CheckpointReader : IDisposable
{
    private readonly FileStream _file;
    private readonly BinaryReader _reader;
    private bool _optimizerStateRead;

    public string Path { get; }
    public CheckpointData Data { get; }
    public bool HasOptimizerState { get; }

    private CheckpointReader(string path, FileStream file, BinaryReader reader, CheckpointData data, bool hasOptimizerState)
    {
        Path = path; _file = file; _reader = reader; Data = data; HasOptimizerState = hasOptimizerState;
    }

    /// <summary>Throws <see cref="CheckpointException"/> for a missing, truncated, corrupt or unknown file.</summary>
    internal static CheckpointReader Open(string path)
    {
        if (!File.Exists(path)) throw new CheckpointException(path, CheckpointPaths.Missing(path));
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, CheckpointFile.FileBufferBytes);
        var tensors = new List<Tensor>();
        try
        {
            VerifyIntegrity(path, file);
            var reader = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
            try
            {
                var hash = reader.ReadString();
                var step = reader.ReadInt64();
                var model = ReadTensors(reader, tensors);
                var ema = ReadTensors(reader, tensors);
                var randomStates = ReadRandomStates(reader);
                bool hasOptimizer = reader.ReadBoolean();
                return new CheckpointReader(path, file, reader, new CheckpointData(hash, step, model, ema, randomStates), hasOptimizer);
            }
            catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or FormatException or OverflowException)
            {
                reader.Dispose();
                throw new CheckpointException(path, $"corrupt: {e.Message}", e);
            }
        }
        catch
        {
            foreach (var t in tensors) t.Dispose();
            file.Dispose();
            throw;
        }
    }

    /// <summary>Hands the optimizer state to <paramref name="load"/>, which must read all of it and no more.</summary>
    public void ReadOptimizerState(Action<BinaryReader> load)
    {
        if (!HasOptimizerState) throw new CheckpointException(Path, "holds no optimizer state.");
        if (_optimizerStateRead) throw new InvalidOperationException("The optimizer state was already read.");
        _optimizerStateRead = true;
        load(_reader);
        long left = _file.Length - _file.Position;
        if (left != 0) throw new CheckpointException(Path, $"the optimizer state was not read to its end ({left} bytes left); it belongs to another optimizer or model.");
    }

    public void Dispose()
    {
        _reader.Dispose();
        _file.Dispose();
        foreach (var (_, t) in Data.Model) t.Dispose();
        foreach (var (_, t) in Data.Ema) t.Dispose();
    }

    private static void VerifyIntegrity(string path, FileStream file)
    {
        long length = file.Length;
        int headerLength = CheckpointFile.HeaderLength;
        if (length < headerLength)
            throw new CheckpointException(path, $"truncated: {length} bytes, shorter than the {headerLength}-byte header.");
        var header = new byte[headerLength];
        file.ReadExactly(header);
        var magic = header.AsSpan(0, 8);
        if (magic.SequenceEqual(CheckpointFile.FirstFormatMagic))
            throw new CheckpointException(path, "written by an earlier DiffusionDsl (format DDCKPT01), which this version no longer reads; retrain, or load it with that version.");
        if (!magic.SequenceEqual(CheckpointFile.Magic))
            throw new CheckpointException(path, $"not a DiffusionDsl checkpoint (its first bytes are not '{Encoding.ASCII.GetString(CheckpointFile.Magic)}').");
        long payloadLength = BitConverter.ToInt64(header, 8);
        long present = length - headerLength;
        if (present < payloadLength)
            throw new CheckpointException(path, $"truncated: the header promises {payloadLength} payload bytes but the file holds {present}.");
        if (present > payloadLength)
            throw new CheckpointException(path, $"corrupt: {present - payloadLength} unexpected bytes after the payload.");

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[Math.Max(4096, TensorStreaming.ChunkBytes)];
        int read;
        while ((read = file.Read(buffer)) > 0) sha.AppendData(buffer, 0, read);
        if (!sha.GetHashAndReset().AsSpan().SequenceEqual(header.AsSpan(16, 32)))
            throw new CheckpointException(path, "corrupt: the SHA-256 of its contents does not match the one it was written with.");
        file.Seek(headerLength, SeekOrigin.Begin);
    }

    private static List<KeyValuePair<string, Tensor>> ReadTensors(BinaryReader reader, List<Tensor> allocated)
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
            long elements = 1;
            for (int d = 0; d < rank; d++)
            {
                shape[d] = reader.ReadInt64();
                if (shape[d] < 0) throw new FormatException($"tensor '{name}' has a negative size {shape[d]}.");
                elements = checked(elements * shape[d]);
            }
            long length = reader.ReadInt64();
            long needed = checked(elements * ElementSize(dtype));
            if (length != needed) throw new FormatException($"tensor '{name}' holds {length} bytes, not the {needed} its shape needs.");
            long left = reader.BaseStream.Length - reader.BaseStream.Position;
            if (length > left) throw new EndOfStreamException($"tensor '{name}' claims {length} bytes but only {left} remain.");
            var value = empty(shape, dtype: dtype);
            allocated.Add(value);
            TensorStreaming.Read(reader.BaseStream, value);
            tensors.Add(new(name, value));
        }
        return tensors;
    }

    private static long ElementSize(ScalarType dtype)
    {
        if (!Enum.IsDefined(dtype)) throw new FormatException($"unknown element type {(int)dtype}.");
        using var probe = empty(0, dtype: dtype);
        return probe.ElementSize;
    }

    private static List<KeyValuePair<string, byte[]>> ReadRandomStates(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count is < 0 or > 64) throw new FormatException($"impossible number of random states {count}.");
        var states = new List<KeyValuePair<string, byte[]>>(count);
        for (int i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            int length = reader.ReadInt32();
            if (length < 0 || length > reader.BaseStream.Length - reader.BaseStream.Position)
                throw new FormatException($"random state '{name}' has an impossible length {length}.");
            var state = reader.ReadBytes(length);
            if (state.Length != length) throw new EndOfStreamException($"random state '{name}' ends early.");
            states.Add(new(name, state));
        }
        return states;
    }
}
