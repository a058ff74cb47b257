using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Checkpoints.Safetensors;

/// <summary>The safetensors dtype names ("F32", "BF16", ...) of the element types TorchSharp has.</summary>
public static class SafetensorsDtypes
{
    private static readonly Dictionary<string, ScalarType> ByName = new()
    {
        ["F64"] = ScalarType.Float64,
        ["F32"] = ScalarType.Float32,
        ["F16"] = ScalarType.Float16,
        ["BF16"] = ScalarType.BFloat16,
        ["I64"] = ScalarType.Int64,
        ["I32"] = ScalarType.Int32,
        ["I16"] = ScalarType.Int16,
        ["I8"] = ScalarType.Int8,
        ["U8"] = ScalarType.Byte,
        ["BOOL"] = ScalarType.Bool,
    };

    private static readonly Dictionary<ScalarType, string> ByType = ByName.ToDictionary(p => p.Value, p => p.Key);

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static bool TryParse(string name, out ScalarType dtype) => ByName.TryGetValue(name, out dtype);

    public static bool TryName(ScalarType dtype, out string name) => ByType.TryGetValue(dtype, out name!);

    public static int ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };
}
