using System.Collections.Generic;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Checkpoints.Safetensors;

/// <summary>One tensor in a safetensors file: its dtype, shape and byte range [Begin, End) in the data section.</summary>
public sealed record SafetensorsEntry(string Name, ScalarType DType, IReadOnlyList<long> Shape, long Begin, long End)
{
    public long ByteLength => End - Begin;
}
