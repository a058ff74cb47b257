using System;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Data;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Runtime.Training;
using DiffusionDsl.Tests.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Training;

/// <summary>
/// TrainOptions.HorizontalFlip (the .msd's train `flip true`, score_sde's random_flip): the trainer mirrors a random half
/// of each batch, from a generator of its own per step.
/// </summary>
public sealed class HorizontalFlipTrainingTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();
    public void Dispose() => _scratch.Dispose();

    private static readonly VpSchedule Vp = new();

    private TrainOptions Options(string run, int steps, bool flip) => new()
    {
        BatchSize = 8, LearningRate = 1e-2, EmaDecay = 0.9, Steps = steps, Seed = 3, CheckpointEvery = 0, HorizontalFlip = flip,
        StageSampling = StageSampling.Mixed, OutputDirectory = Path.Combine(_scratch.Path, run), ModelHash = "flip", Device = "cpu",
    };

    private static TinyMultistageModel Model() => new(Vp, TinyMultistageModel.ThreeStages(), hidden: 8);

    private static Tensor Asymmetric() => TinyData.Images(20, seed: 4);

    /// <summary>Each image averaged with its mirror image: one that a left-right flip leaves as it is.</summary>
    private static Tensor Symmetric()
    {
        using var images = Asymmetric();
        return ((images + images.flip(3)) / 2).DetachFromDisposeScope();
    }

    private (double Loss, Tensor[] Weights) Train(string run, Tensor images, bool flip, int steps = 3)
    {
        var model = Model();
        using var trainer = new MultistageTrainer(model, Vp, PredictionTarget.Eps, Options(run, steps, flip));
        using var data = new ImageDataset(images.clone());
        var result = trainer.Train(data);
        return (result.LastLoss, model.Module.parameters().Select(p => p.detach().clone()).ToArray());
    }

    [Fact]
    public void OnImagesAFlipLeavesAsTheyAreFlipsChangeNoOtherDraw()
    {
        using var images = Symmetric();
        var (plainLoss, plain) = Train("plain", images, flip: false);
        var (flippedLoss, flipped) = Train("flipped", images, flip: true);
        Assert.Equal(plainLoss, flippedLoss);
        foreach (var (a, b) in plain.Zip(flipped)) Assert.True(a.Equals(b));
    }

    [Fact]
    public void OnOtherImagesTheFlipsChangeTheTraining()
    {
        using var images = Asymmetric();
        var (plainLoss, _) = Train("plain", images, flip: false);
        var (flippedLoss, _) = Train("flipped", images, flip: true);
        Assert.NotEqual(plainLoss, flippedLoss);
    }

    [Fact]
    public void AResumedRunFlipsAsTheUninterruptedOne()
    {
        using var images = Asymmetric();
        var (wholeLoss, whole) = Train("whole", images, flip: true, steps: 4);

        var firstModel = Model();
        string halfway;
        using (var first = new MultistageTrainer(firstModel, Vp, PredictionTarget.Eps, Options("halves", 2, flip: true)))
        using (var firstData = new ImageDataset(images.clone()))
            halfway = first.Train(firstData).LastCheckpoint!;
        var resumedModel = Model();
        using var resumed = new MultistageTrainer(resumedModel, Vp, PredictionTarget.Eps, Options("halves", 4, flip: true) with { ResumeFrom = halfway });
        using var resumedData = new ImageDataset(images.clone());
        Assert.Equal(wholeLoss, resumed.Train(resumedData).LastLoss);
        foreach (var (a, b) in whole.Zip(resumedModel.Module.parameters())) Assert.True(a.Equals(b));
    }

    [Fact]
    public void TheRecipeLineAndTheResumeNoteNameTheFlips()
    {
        Assert.EndsWith(", left-right flips", TrainingRecipeText.ClipAndEma(new TrainOptions { HorizontalFlip = true }));
        Assert.DoesNotContain("flip", TrainingRecipeText.ClipAndEma(new TrainOptions()));
    }
}
