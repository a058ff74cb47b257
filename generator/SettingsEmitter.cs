using System.Linq;
using DiffusionDsl.Language.Semantics;

namespace DiffusionDsl.Generator;

/// <summary>Emits the typed trainer and sampler whose defaults come from the .msd's train and sample sections.</summary>
internal static class SettingsEmitter
{
    public static void EmitTrainer(CodeWriter w, ModelSpec model)
    {
        var t = model.Train;
        string name = model.Name;
        w.Line($"/// <summary>Trains {name}; its defaults are the .msd's train section.</summary>")
         .Open($"public sealed class {name}Trainer : System.IDisposable")
         .Open("public static TrainOptions Defaults { get; } = new()")
         .Line($"BatchSize = {t.Batch}, LearningRate = {CodeWriter.Number(t.LearningRate)}, WeightDecay = {CodeWriter.Number(t.WeightDecay)},")
         .Line($"WarmupSteps = {t.Warmup}, GradClip = {CodeWriter.Number(t.GradClip)}, EmaDecay = {CodeWriter.Number(t.Ema)}, EmaWarmupSteps = {t.EmaWarmup},")
         .Line($"GradAccumulation = {t.Accumulate}, Steps = {t.Steps}, StageSampling = StageSampling.{t.StageSampling}, Seed = {t.Seed},")
         .Line($"CheckpointEvery = {t.CheckpointEvery}, KeepCheckpoints = {t.KeepCheckpoints}, SampleEvery = {t.SampleEvery}, LogEvery = {t.LogEvery},")
         .Line(t.StageWeights.Count > 0 ? $"StageLossWeights = new[] {{ {string.Join(", ", t.StageWeights.Select(CodeWriter.Number))} }}," : "StageLossWeights = null,")
         .Line($"OutputDirectory = {CodeWriter.String("runs/" + name)}, ModelHash = {name}.SourceHash,")
         .Close(";")
         .Line()
         .Line($"public {name} Model {{ get; }}")
         .Line("public MultistageTrainer Trainer { get; }")
         .Line()
         .Open($"public {name}Trainer({name} model, TrainOptions? options = null)")
         .Line("Model = model;")
         .Line($"Trainer = new MultistageTrainer(model, model.Schedule, {name}.Prediction, (options ?? Defaults) with {{ ModelHash = {name}.SourceHash }});")
         .Close()
         .Line()
         .Line("/// <summary>")
         .Line("/// Trains to the configured step count with a progress bar, metrics, sample grids (with the .msd's")
         .Line("/// sample settings) and a loss curve under the output directory.")
         .Line("/// </summary>")
         .Line("public TrainResult Train(IBatchSource data, System.Threading.CancellationToken cancellation = default) =>")
         .Line($"    new TrainingSession(Trainer, Model.Schedule, {name}.Prediction, new ReportOptions {{ PreviewSampling = {name}Sampler.Defaults }}).Run(data, cancellation);")
         .Line()
         .Line("public void Dispose() => Trainer.Dispose();")
         .Close()
         .Line();
    }

    public static void EmitSampler(CodeWriter w, ModelSpec model)
    {
        var s = model.Sample;
        string name = model.Name;
        w.Line($"/// <summary>Samples {name}; its defaults are the .msd's sample section.</summary>")
         .Open($"public sealed class {name}Sampler")
         .Line($"public static SampleOptions Defaults {{ get; }} = new() {{ Solver = SolverKind.{s.Solver}, Steps = {s.Steps}, Eta = {CodeWriter.Number(s.Eta)}, Count = {s.Count}, Seed = {s.Seed}{(s.Clip ? ", ClipDenoised = true" : "")} }};")
         .Line()
         .Line("public MultistageSampler Sampler { get; }")
         .Line()
         .Line($"public {name}Sampler({name} model, SampleOptions? options = null) =>")
         .Line($"    Sampler = new MultistageSampler(model, model.Schedule, {name}.Prediction, options ?? Defaults);")
         .Line()
         .Line("/// <summary>Images in [-1, 1], shape [count, channels, size, size].</summary>")
         .Line($"public TorchSharp.torch.Tensor Sample(int? count = null, long? seed = null) =>")
         .Line($"    Sampler.Sample(count ?? Sampler.Options.Count, {name}.ImageChannels, {name}.ImageSize, {name}.ImageSize, seed ?? Sampler.Options.Seed);")
         .Line()
         .Line("/// <summary>How many network evaluations the last call spent in each stage.</summary>")
         .Line("public System.Collections.Generic.IReadOnlyList<int> EvaluationsPerStage => Sampler.EvaluationsPerStage;")
         .Close();
    }
}
