using System.Reflection;

namespace DiffusionDsl.Generator;

/// <summary>
/// Every type the generated code names from outside its own file, written global::-qualified. The file has
/// no using directives, so a user type called Level, TrainOptions or System in the model's namespace cannot
/// capture a name (the System.Text.Json generator does the same).
/// </summary>
internal static class Global
{
    private const string Runtime = "global::DiffusionDsl.Runtime.";

    public const string MultistageUNet = Runtime + "Networks.MultistageUNet";
    public const string SharedEncoder = Runtime + "Networks.SharedEncoder";
    public const string StageDecoder = Runtime + "Networks.StageDecoder";
    public const string EncoderLayout = Runtime + "Networks.EncoderLayout";
    public const string DecoderLayout = Runtime + "Networks.DecoderLayout";
    public const string Level = Runtime + "Networks.Level";
    public const string NoiseEmbeddingKind = Runtime + "Blocks.NoiseEmbeddingKind";
    public const string EncoderFamily = Runtime + "Networks.EncoderFamily";
    public const string StageTable = Runtime + "Staging.StageTable";
    public const string StageInfo = Runtime + "Staging.StageInfo";
    public const string ModelCostTable = Runtime + "Staging.ModelCostTable";
    public const string StageCost = Runtime + "Staging.StageCost";
    public const string PredictionTarget = Runtime + "Diffusion.PredictionTarget";
    public const string INoiseSchedule = Runtime + "Schedules.INoiseSchedule";
    public const string VpSchedule = Runtime + "Schedules.VpSchedule";
    public const string DdpmLinearSchedule = Runtime + "Schedules.DdpmLinearSchedule";
    public const string CosineSchedule = Runtime + "Schedules.CosineSchedule";
    public const string EdmSchedule = Runtime + "Schedules.EdmSchedule";
    public const string MsdModelInfo = Runtime + "Hosting.MsdModelInfo";
    public const string CheckpointWeights = Runtime + "Checkpoints.CheckpointWeights";
    public const string ModelWithErrors = Runtime + "Hosting.ModelWithErrors";
    public const string TrainOptions = Runtime + "Training.TrainOptions";
    public const string StageSampling = Runtime + "Training.StageSampling";
    public const string MixedPrecision = Runtime + "Training.MixedPrecision";
    public const string MultistageTrainer = Runtime + "Training.MultistageTrainer";
    public const string TrainResult = Runtime + "Training.TrainResult";
    public const string IBatchSource = Runtime + "Training.IBatchSource";
    public const string TrainingSession = Runtime + "Reporting.TrainingSession";
    public const string ReportOptions = Runtime + "Reporting.ReportOptions";
    public const string SampleOptions = Runtime + "Sampling.SampleOptions";
    public const string SolverKind = Runtime + "Sampling.SolverKind";
    public const string TimeSpacing = Runtime + "Sampling.TimeSpacing";
    public const string MultistageSampler = Runtime + "Sampling.MultistageSampler";
    public const string HeunChurn = Runtime + "Sampling.HeunChurn";

    public const string Tensor = "global::TorchSharp.torch.Tensor";
    public const string IDisposable = "global::System.IDisposable";
    public const string CancellationToken = "global::System.Threading.CancellationToken";
    public const string IReadOnlyList = "global::System.Collections.Generic.IReadOnlyList";

    /// <summary>The attribute on every generated type: the tool and the generator's version.</summary>
    public static readonly string GeneratedCode =
        $"[global::System.CodeDom.Compiler.GeneratedCode(\"DiffusionDsl\", {CodeWriter.String(GeneratorVersion())})]";

    /// <summary>
    /// The generator assembly's informational version without its build metadata: "0.1.0-local" for the packed
    /// generator, "1.0.0" in the repository. The SDK appends "+commit" to it; dropping that keeps the generated
    /// code the same on every checkout.
    /// </summary>
    private static string GeneratorVersion()
    {
        var assembly = typeof(Global).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (!string.IsNullOrEmpty(informational)) return informational!.Split('+')[0];
        return assembly.GetName().Version?.ToString() ?? "0.0.0";
    }
}
