using System;
using System.Collections.Generic;

namespace DiffusionDsl.Language.Semantics;

/// <summary>Member names the generated model declares or inherits; a stage property must avoid them.</summary>
public static class GeneratedMembers
{
    // Kept complete by ReservedNamesTests, which reflects over a generated model.
    private static readonly HashSet<string> Reserved = new()
    {
        // Generated members
        "Encoder", "Table", "Cost", "Prediction", "ImageChannels", "ImageSize", "SourceHash", "CreateSchedule", "Info", "LoadCheckpoint",
        // MultistageUNet
        "Stages", "Schedule", "Predict", "Module", "Decoders", "Wire", "NoiseLabels", "AugmentDim", "ImageShape", "IsDisposed",
        // TorchSharp's nn.Module
        "ReplaceBuffer", "ReplaceParameter", "ConditionallyRegisterParameter", "ConditionallyRegisterBuffer", "GetName",
        "Create", "RegisterComponents", "GetDefaultDeviceAndType", "MoveModule", "ClearModules", "BoxedModule",
        // Types named inside the generated class body, which a property of the same name would hide
        "StageTable", "StageInfo", "ModelCostTable", "StageCost", "PredictionTarget", "INoiseSchedule",
        "VpSchedule", "DdpmLinearSchedule", "CosineSchedule", "EdmSchedule", "MultistageUNet", "MsdModelInfo",
        // Reserved earlier, kept so no accepted name changes meaning
        "DecoderOf", "Forward", "Call",
        // System.Object and IDisposable
        "Equals", "GetHashCode", "ToString", "GetType", "Dispose", "MemberwiseClone", "Finalize", "ReferenceEquals",
    };

    /// <summary>The namespaces the generated code starts its global:: references with.</summary>
    public static bool IsRootNamespace(string name) => name is "System" or "TorchSharp" or "DiffusionDsl";

    /// <summary>A model named like one of its own members or a type its code names would not compile (CS0542).</summary>
    public static bool IsReservedModelName(string name) => Reserved.Contains(name);

    /// <summary>
    /// Also the generated type names (Model, ModelEncoder, ModelTrainer, ModelSampler, Model*Decoder),
    /// which a property of the same name would hide inside the generated class.
    /// </summary>
    public static bool IsReserved(string property, string? modelName) =>
        Reserved.Contains(property)
        || (modelName is not null && (property == modelName || property == modelName + "Encoder" || property == modelName + "Trainer"
            || property == modelName + "Sampler" || (property.StartsWith(modelName, StringComparison.Ordinal) && property.EndsWith("Decoder", StringComparison.Ordinal))));
}
