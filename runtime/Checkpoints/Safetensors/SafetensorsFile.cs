using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Checkpoints.Safetensors;

/// <summary>
/// An open safetensors file (8-byte little-endian header length, JSON header, raw little-endian data) whose header has
/// been checked. Tensors are streamed from disk one at a time on request. Errors are <see cref="CheckpointException"/>s
/// naming the file and the tensor.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    /// <summary>The reference implementation's cap; a larger "header" is a sign of a file in another format.</summary>
    internal const long MaxHeaderBytes = 100_000_000;

    private readonly FileStream _file;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafetensorsEntry> _byName;

    public string Path { get; }
    /// <summary>The tensors in header order.</summary>
    public IReadOnlyList<SafetensorsEntry> Tensors { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    private SafetensorsFile(string path, FileStream file, long dataStart, List<SafetensorsEntry> entries, Dictionary<string, string> metadata)
    {
        Path = path; _file = file; _dataStart = dataStart; Tensors = entries; Metadata = metadata;
        _byName = entries.ToDictionary(e => e.Name);
    }

    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path)) throw new CheckpointException(path, CheckpointPaths.Missing(path));
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            long length = file.Length;
            if (length < 8) throw new CheckpointException(path, $"truncated: {length} bytes, shorter than the 8-byte safetensors header length.");
            Span<byte> prefix = stackalloc byte[8];
            file.ReadExactly(prefix);
            long headerLength = BitConverter.ToInt64(prefix);
            // A zip's local-file signature: PyTorch's torch.save format (a .pth or .pt), the likeliest file in a safetensors' place.
            if (prefix[0] == (byte)'P' && prefix[1] == (byte)'K' && prefix[2] == 3 && prefix[3] == 4)
                throw new CheckpointException(path, "a zip archive, as PyTorch's torch.save writes a .pth or .pt, not a safetensors file: convert its state_dict " +
                                                    "to safetensors first (cli/README.md shows how for pytorch-fid's Inception weights; scripts/convert/ for the paper's checkpoints).");
            if (headerLength < 2 || headerLength > MaxHeaderBytes)
                throw new CheckpointException(path, $"not a safetensors file: its header length {headerLength} is outside [2, {MaxHeaderBytes}].");
            if (headerLength > length - 8)
                throw new CheckpointException(path, $"truncated: the safetensors header needs {headerLength} bytes but the file holds {length - 8} after its length.");
            var header = new byte[headerLength];
            file.ReadExactly(header);
            if (header[0] != (byte)'{') throw new CheckpointException(path, "not a safetensors file: its header does not start with '{'.");
            var (entries, metadata) = SafetensorsHeader.Parse(path, header, length - 8 - headerLength);
            return new SafetensorsFile(path, file, 8 + headerLength, entries, metadata);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public SafetensorsEntry this[string name] =>
        _byName.TryGetValue(name, out var entry) ? entry : throw new CheckpointException(Path, $"tensor '{name}' is not in the file.");

    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>A new CPU tensor with the stored dtype and shape.</summary>
    public Tensor Read(string name)
    {
        var entry = this[name];
        var value = empty(entry.Shape.ToArray(), dtype: entry.DType);
        try
        {
            ReadInto(entry, value);
            return value;
        }
        catch
        {
            value.Dispose();
            throw;
        }
    }

    /// <summary>Fills <paramref name="target"/>, a contiguous CPU tensor of the stored dtype and element count.</summary>
    public void ReadInto(SafetensorsEntry entry, Tensor target)
    {
        if (target.dtype != entry.DType || target.NumberOfElements * target.ElementSize != entry.ByteLength)
            throw new ArgumentException($"tensor '{entry.Name}' is {entry.DType} [{string.Join(", ", entry.Shape)}]; the target is {target.dtype} [{string.Join(", ", target.shape)}].");
        _file.Seek(_dataStart + entry.Begin, SeekOrigin.Begin);
        try
        {
            TensorStreaming.Read(_file, target);
        }
        catch (EndOfStreamException e)
        {
            throw new CheckpointException(Path, $"tensor '{entry.Name}': the file ends inside its data.", e);
        }
    }

    public void Dispose() => _file.Dispose();
}
