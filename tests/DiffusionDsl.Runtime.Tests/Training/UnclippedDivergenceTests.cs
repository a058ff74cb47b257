using System;
using System.IO;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Runtime.Training;
using DiffusionDsl.Tests.Shared;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Training;

/// <summary>
/// clip 0 (EDM's: no clipping) must still catch a non-finite gradient: the gradient of sqrt(w) at w = 0 is infinite while
/// the loss is finite, so only the gradient norm shows it.
/// </summary>
public sealed class UnclippedDivergenceTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();
    public void Dispose() => _scratch.Dispose();

    private sealed class InfiniteGradientNetwork : TorchSharp.torch.nn.Module
    {
        public readonly TorchSharp.Modules.Parameter w = new(zeros(1));
        public InfiniteGradientNetwork() : base("infinite") => RegisterComponents();
    }

    private sealed class InfiniteGradientModel : DiffusionDsl.Runtime.Staging.IMultistageModel
    {
        private readonly InfiniteGradientNetwork _network = new();
        public DiffusionDsl.Runtime.Staging.StageTable Stages { get; } = TinyMultistageModel.ThreeStages();
        public TorchSharp.torch.nn.Module Module => _network;
        public Tensor Predict(Tensor x, Tensor t) => x * 0 + _network.w.sqrt();
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void ANonFiniteGradientStopsTrainingWithOrWithoutClipping(double clip)
    {
        var model = new InfiniteGradientModel();
        var options = new TrainOptions { BatchSize = 4, Steps = 3, GradClip = clip, CheckpointEvery = 0, OutputDirectory = Path.Combine(_scratch.Path, $"clip{clip}") };
        using var trainer = new MultistageTrainer(model, new VpSchedule(), PredictionTarget.Eps, options);
        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Train(TinyData.Source()));
        Assert.Contains("step 1", error.Message);
        Assert.False(Directory.Exists(Path.Combine(options.OutputDirectory, "checkpoints")) &&
                     Directory.EnumerateFiles(Path.Combine(options.OutputDirectory, "checkpoints")).GetEnumerator().MoveNext());
    }
}
