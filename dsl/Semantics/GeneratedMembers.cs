using System;
using System.Collections.Generic;
using System.Linq;

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
        // Types nested in TorchSharp's module classes, which the generated class inherits: inside it, the model's own
        // name would bind to them (CS7036), and a stage property would hide them (CS0108)
        "HookRemover", "HType",
        // Types named inside the generated class body, which a property of the same name would hide
        "StageTable", "StageInfo", "ModelCostTable", "StageCost", "PredictionTarget", "INoiseSchedule",
        "VpSchedule", "DdpmLinearSchedule", "CosineSchedule", "EdmSchedule", "MultistageUNet", "MsdModelInfo",
        // Reserved earlier, kept so no accepted name changes meaning
        "DecoderOf", "Forward", "Call",
        // System.Object and IDisposable
        "Equals", "GetHashCode", "ToString", "GetType", "Dispose", "MemberwiseClone", "Finalize", "ReferenceEquals",
    };

    /// <summary>
    /// Every type the generated code names from outside its file, as it writes them after global:: (the generator's
    /// Global class; GeneratedNamesTests keeps the two the same).
    /// </summary>
    public static readonly IReadOnlyList<string> ReferencedTypes = new[]
    {
        "DiffusionDsl.Runtime.Networks.MultistageUNet", "DiffusionDsl.Runtime.Networks.SharedEncoder", "DiffusionDsl.Runtime.Networks.StageDecoder",
        "DiffusionDsl.Runtime.Networks.EncoderLayout", "DiffusionDsl.Runtime.Networks.DecoderLayout", "DiffusionDsl.Runtime.Networks.Level",
        "DiffusionDsl.Runtime.Networks.EncoderFamily",
        "DiffusionDsl.Runtime.Blocks.NoiseEmbeddingKind", "DiffusionDsl.Runtime.Staging.StageTable", "DiffusionDsl.Runtime.Staging.StageInfo",
        "DiffusionDsl.Runtime.Staging.ModelCostTable", "DiffusionDsl.Runtime.Staging.StageCost", "DiffusionDsl.Runtime.Diffusion.PredictionTarget",
        "DiffusionDsl.Runtime.Schedules.INoiseSchedule", "DiffusionDsl.Runtime.Schedules.VpSchedule", "DiffusionDsl.Runtime.Schedules.DdpmLinearSchedule",
        "DiffusionDsl.Runtime.Schedules.CosineSchedule", "DiffusionDsl.Runtime.Schedules.EdmSchedule", "DiffusionDsl.Runtime.Hosting.MsdModelInfo",
        "DiffusionDsl.Runtime.Checkpoints.CheckpointWeights", "DiffusionDsl.Runtime.Hosting.ModelWithErrors", "DiffusionDsl.Runtime.Training.TrainOptions",
        "DiffusionDsl.Runtime.Training.StageSampling", "DiffusionDsl.Runtime.Training.MixedPrecision", "DiffusionDsl.Runtime.Training.MultistageTrainer", "DiffusionDsl.Runtime.Training.TrainResult",
        "DiffusionDsl.Runtime.Training.IBatchSource", "DiffusionDsl.Runtime.Reporting.TrainingSession", "DiffusionDsl.Runtime.Reporting.ReportOptions",
        "DiffusionDsl.Runtime.Sampling.SampleOptions", "DiffusionDsl.Runtime.Sampling.SolverKind", "DiffusionDsl.Runtime.Sampling.TimeSpacing",
        "DiffusionDsl.Runtime.Sampling.MultistageSampler",
        "DiffusionDsl.Runtime.Sampling.HeunChurn",
        "TorchSharp.torch.Tensor", "System.IDisposable", "System.Threading.CancellationToken", "System.Collections.Generic.IReadOnlyList",
        "System.CodeDom.Compiler.GeneratedCodeAttribute",
    };

    /// <summary>The classes (not namespaces) among the names the referenced types are reached through.</summary>
    private static readonly string[] ClassesReachedThrough = { "TorchSharp.torch" };

    // The referenced types and every name they are reached through (DiffusionDsl, DiffusionDsl.Runtime, TorchSharp.torch, ...).
    private static readonly HashSet<string> ReferencedNames = new(ReferencedTypes.SelectMany(CSharpNames.NameAndItsContainers), StringComparer.Ordinal);

    /// <summary>
    /// Whether a generated type of this full name would take the place of a name the generated code uses: a type it
    /// references (a model SharedEncoder in DiffusionDsl.Runtime.Networks derives from itself, CS0146/CS0509), or a
    /// namespace or class it names one through (a model Runtime in DiffusionDsl hides the namespace DiffusionDsl.Runtime,
    /// even from global::, CS0426; a model System in the global namespace hides System).
    /// </summary>
    public static bool TakesAReferencedName(string fullTypeName) => ReferencedNames.Contains(fullTypeName);

    /// <summary>
    /// The referenced type (or class a referenced type is reached through) that a namespace of this name would hide, when
    /// it or a namespace it is in has that type's full name: in C#, a namespace of the compilation wins over a type of a
    /// referenced assembly (CS0435), so `namespace TorchSharp.torch` leaves global::TorchSharp.torch.Tensor unbound.
    /// </summary>
    public static string? TypeHiddenByNamespace(string ns) =>
        CSharpNames.NameAndItsContainers(ns).FirstOrDefault(name => ReferencedTypes.Contains(name) || ClassesReachedThrough.Contains(name));

    /// <summary>
    /// The first of <paramref name="model"/>'s generated types that <see cref="TakesAReferencedName">takes a name the
    /// generated code uses</see>, with the referenced type reached through it; null when none does.
    /// </summary>
    public static (string Declared, string Referenced)? ReferencedNameTakenBy(ModelIdentity model)
    {
        foreach (var full in model.FullTypeNames())
            if (TakesAReferencedName(full))
                return (full, ReferencedTypes.First(r => r == full || r.StartsWith(full + ".", StringComparison.Ordinal)));
        return null;
    }

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
