using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Checkpoints.Safetensors;

/// <summary>
/// Writes tensors as a safetensors file, streaming each tensor's data in chunks (CPU copies are made one tensor at a
/// time), to a temporary file renamed at the end.
/// </summary>
public static class SafetensorsWriter
{
    public static void Write(string path, IReadOnlyList<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var entries = new List<SafetensorsEntry>(tensors.Count);
        var names = new HashSet<string>();
        long offset = 0;
        foreach (var (name, tensor) in tensors)
        {
            if (name == SafetensorsHeader.MetadataKey) throw new ArgumentException($"'{name}' is reserved for the metadata.", nameof(tensors));
            if (!names.Add(name)) throw new ArgumentException($"tensor '{name}' is given twice.", nameof(tensors));
            if (!SafetensorsDtypes.TryName(tensor.dtype, out _))
                throw new ArgumentException($"tensor '{name}' is {tensor.dtype}, which safetensors export does not support.", nameof(tensors));
            long bytes = TensorStreaming.ByteLength(tensor);
            entries.Add(new SafetensorsEntry(name, tensor.dtype, tensor.shape, offset, offset + bytes));
            offset += bytes;
        }
        var header = SafetensorsHeader.Serialise(entries, metadata);

        AtomicFile.Write(path, file =>
        {
            file.Write(BitConverter.GetBytes((long)header.Length));
            file.Write(header);
            foreach (var (_, tensor) in tensors) TensorStreaming.Write(tensor, file);
        });
    }
}
