using System;
using System.IO;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Runtime.Training;
using DiffusionDsl.Tests.Shared;

namespace DiffusionDsl.Runtime.Tests.Training;

/// <summary>A disposed model or trainer is named as such (ObjectDisposedException), not as TorchSharp's "Tensor invalid -- empty handle".</summary>
public sealed class DisposedObjectTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();
    public void Dispose() => _scratch.Dispose();

    private TrainOptions Options => new() { BatchSize = 4, Steps = 2, CheckpointEvery = 0, OutputDirectory = Path.Combine(_scratch.Path, "run") };

    [Fact]
    public void ADisposedTrainerSaysSo()
    {
        using var model = new SmallUNet();
        var trainer = new MultistageTrainer(model, model.Schedule, PredictionTarget.Eps, Options);
        trainer.Dispose();
        var error = Assert.Throws<ObjectDisposedException>(() => trainer.Train(TinyData.Source()));
        Assert.Contains("MultistageTrainer", error.Message);
        Assert.Throws<ObjectDisposedException>(() => trainer.TrainStep(TinyData.Source(), out _));
        Assert.Throws<ObjectDisposedException>(() => trainer.SaveCheckpoint());
        trainer.Dispose(); // twice is fine
    }

    [Fact]
    public void ADisposedModelIsRefusedByTheTrainerAndTheSampler()
    {
        var model = new SmallUNet();
        var sampler = new MultistageSampler(model, model.Schedule, PredictionTarget.Eps, new SampleOptions { Steps = 2 });
        using var trainer = new MultistageTrainer(model, model.Schedule, PredictionTarget.Eps, Options);
        model.Dispose();

        var error = Assert.Throws<ObjectDisposedException>(() => new MultistageTrainer(model, model.Schedule, PredictionTarget.Eps, Options));
        Assert.Contains("SmallUNet", error.Message);
        Assert.Contains("SmallUNet", Assert.Throws<ObjectDisposedException>(() => trainer.Train(TinyData.Source())).Message);
        Assert.Contains("SmallUNet", Assert.Throws<ObjectDisposedException>(() => sampler.Sample(1, 1, 8, 8)).Message);
        // Loading weights into it says so too, not "a checkpoint of another architecture" (a disposed module lists no tensors).
        Assert.Throws<ObjectDisposedException>(() => DiffusionDsl.Runtime.Checkpoints.CheckpointWeights.Load("any.ckpt", model, "hash"));
    }
}
