using System.Collections.Generic;

namespace DiffusionDsl.Language.Semantics;

/// <summary>Member names the generated model declares or inherits; a stage property must avoid them.</summary>
public static class GeneratedMembers
{
    private static readonly HashSet<string> Reserved = new()
    {
        "Encoder", "Stages", "StageTable", "Cost", "Schedule", "Prediction", "Predict", "Module", "Decoders", "DecoderOf",
        "ImageChannels", "ImageSize", "SourceHash", "Equals", "GetHashCode", "ToString", "GetType", "Dispose",
        "MemberwiseClone", "Finalize", "Forward", "Call",
    };

    public static bool IsReserved(string property, string? modelName) => Reserved.Contains(property) || property == modelName;
}
