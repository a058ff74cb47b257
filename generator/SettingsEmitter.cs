using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Language.Semantics;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Training;

namespace DiffusionDsl.Generator;

/// <summary>Emits the typed trainer and sampler whose defaults come from the .msd's train and sample sections.</summary>
internal static class SettingsEmitter
{
    public static void EmitTrainer(CodeWriter w, ModelSpec model)
    {
        var t = model.Train;
        // Type positions take the plain name (only types are looked up there); member accesses take the qualified one,
        // which no member of this class (Train, Defaults, Trainer, Model) can capture.
        string name = model.Name, self = ModelEmitter.Ref(model);
        w.Line($"/// <summary>Trains {name}; its defaults are the .msd's train section.</summary>")
         .Line(Global.GeneratedCode)
         .Open($"public sealed class {name}Trainer : {Global.IDisposable}")
         .Open($"public static {Global.TrainOptions} Defaults {{ get; }} = new()")
         .Line($"BatchSize = {t.Batch}, LearningRate = {CodeWriter.Number(t.LearningRate)}, WeightDecay = {CodeWriter.Number(t.WeightDecay)},")
         .Line($"WarmupSteps = {t.Warmup}, GradClip = {CodeWriter.Number(t.GradClip)}, EmaDecay = {CodeWriter.Number(t.Ema)}, EmaWarmupSteps = {(t.EmaWarmup == TrainDefaults.EmaWarmupAlways ? "int.MaxValue" : CodeWriter.Number(t.EmaWarmup))},")
         .Line($"GradAccumulation = {t.Accumulate}, Steps = {t.Steps}, StageSampling = {Global.StageSampling}.{t.StageSampling}, Seed = {t.Seed},")
         .Line($"CheckpointEvery = {t.CheckpointEvery}, KeepCheckpoints = {t.KeepCheckpoints}, SampleEvery = {t.SampleEvery}, LogEvery = {t.LogEvery},")
         .Line($"EvalEvery = {t.EvalEvery}, EvalCount = {t.EvalCount},")
         .Line(t.StageWeights.Count > 0 ? $"StageLossWeights = new double[] {{ {string.Join(", ", t.StageWeights.Select(CodeWriter.Number))} }}," : "StageLossWeights = null,");
        if (t.Augment > 0) w.Line($"AugmentProbability = {CodeWriter.Number(t.Augment)},");
        if (t.StageGroups > 1) w.Line($"StageGroups = {t.StageGroups},");
        if (t.Flip) w.Line("HorizontalFlip = true,");
        if (t.Precision != TrainDefaults.Precision) w.Line($"Precision = {Global.MixedPrecision}.{t.Precision},");
        if (t.WarmupKimg is double warmupKimg) w.Line($"WarmupKimg = {CodeWriter.Number(warmupKimg)},");
        if (t.EmaHalfLifeKimg is double kimg) w.Line($"EmaHalfLifeKimg = {CodeWriter.Number(kimg)}, EmaRampUp = {CodeWriter.Number(t.EmaRampUp)},");
        w.Line($"OutputDirectory = {CodeWriter.String("runs/" + name)}, ModelHash = {self}.SourceHash,")
         .Close(";")
         .Line()
         .Line($"public {name} Model {{ get; }}")
         .Line("/// <summary>The runtime trainer: its step, EMA weights (Ema.Apply()), checkpoints and StepCompleted event.</summary>")
         .Line($"public {Global.MultistageTrainer} Trainer {{ get; }}")
         .Line()
         .Open($"public {name}Trainer({name} model, {Global.TrainOptions}? options = null)")
         .Line("Model = model;")
         .Line($"Trainer = new(model, model.Schedule, {self}.Prediction, (options ?? Defaults) with {{ ModelHash = {self}.SourceHash }});")
         .Close()
         .Line()
         .Line("/// <summary>")
         .Line("/// Trains to the configured step count with a progress bar, metrics, sample grids (with the .msd's")
         .Line("/// sample settings) and a loss curve under the output directory. A cancelled run stops at the next step and")
         .Line("/// saves it; <paramref name=\"progressBar\"/> false trains without the console's progress bar.")
         .Line("/// </summary>")
         .Line($"public {Global.TrainResult} Train(")
         .Open($"    {Global.IBatchSource} data, {Global.CancellationToken} cancellation = default, bool progressBar = true)")
         .Line($"var report = new {Global.ReportOptions} {{ PreviewSampling = {ModelEmitter.Ref(model, "Sampler")}.Defaults, ProgressBar = progressBar }};")
         .Line($"return new {Global.TrainingSession}(Trainer, Model.Schedule, {self}.Prediction, report).Run(data, cancellation);")
         .Close()
         .Line()
         .Line("public void Dispose() => Trainer.Dispose();")
         .Close()
         .Line();
    }

    public static void EmitSampler(CodeWriter w, ModelSpec model)
    {
        var s = model.Sample;
        string name = model.Name, self = ModelEmitter.Ref(model);
        w.Line($"/// <summary>Samples {name}; its defaults are the .msd's sample section.</summary>")
         .Line(Global.GeneratedCode)
         .Open($"public sealed class {name}Sampler")
         .Open($"public static {Global.SampleOptions} Defaults {{ get; }} = new()")
         .Line($"Solver = {Global.SolverKind}.{s.Solver}, Steps = {s.Steps}, Eta = {CodeWriter.Number(s.Eta)}, Count = {s.Count}, Seed = {s.Seed},{(s.Clip ? " ClipDenoised = true," : "")}{(s.EndTime is double end ? $" EndTime = {CodeWriter.Number(end)}," : "")}")
         .LineWhen(s.Churn > 0, $"Churn = {Churn(s)},")
         .LineWhen(s.Spacing != SampleDefaults.Spacing, $"Spacing = {Global.TimeSpacing}.{s.Spacing},")
         .Close(";")
         .Line()
         .Line("/// <summary>The runtime sampler, with the solver and options it runs.</summary>")
         .Line($"public {Global.MultistageSampler} Sampler {{ get; }}")
         .Line()
         .Line($"public {name}Sampler({name} model, {Global.SampleOptions}? options = null) =>")
         .Line($"    Sampler = new(model, model.Schedule, {self}.Prediction, options ?? Defaults);")
         .Line()
         .Line("/// <summary>Images in [-1, 1], shape [count, channels, size, size].</summary>")
         .Line($"public {Global.Tensor} Sample(int? count = null, long? seed = null) =>")
         .Line($"    Sampler.Sample(count ?? Sampler.Options.Count, {self}.ImageChannels, {self}.ImageSize, {self}.ImageSize, seed ?? Sampler.Options.Seed);")
         .Line()
         .Line("/// <summary>How many network evaluations the last call spent in each stage.</summary>")
         .Line($"public {Global.IReadOnlyList}<int> EvaluationsPerStage => Sampler.EvaluationsPerStage;")
         .Close();
    }

    /// <summary>The sample section's churn as a HeunChurn, naming only what differs from EDM's defaults.</summary>
    private static string Churn(SampleSpec s)
    {
        var parts = new List<string> { $"Amount: {CodeWriter.Number(s.Churn)}" };
        if (s.ChurnMin != SampleDefaults.ChurnMin) parts.Add($"MinSigma: {CodeWriter.Number(s.ChurnMin)}");
        if (s.ChurnMax != SampleDefaults.ChurnMax) parts.Add($"MaxSigma: {CodeWriter.Number(s.ChurnMax)}");
        if (s.ChurnNoise != SampleDefaults.ChurnNoise) parts.Add($"NoiseScale: {CodeWriter.Number(s.ChurnNoise)}");
        return $"new {Global.HeunChurn}({string.Join(", ", parts)})";
    }
}
