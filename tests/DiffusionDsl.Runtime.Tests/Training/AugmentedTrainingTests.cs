using System;
using System.IO;
using System.Linq;
using System.Threading;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Staging;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Runtime.Training;
using DiffusionDsl.Runtime.Training.Augmentation;
using DiffusionDsl.Tests.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Training;

/// <summary>TrainOptions.AugmentProbability: augmented batches and their labels reach the network in training, never at sampling.</summary>
public sealed class AugmentedTrainingTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();
    public void Dispose() => _scratch.Dispose();

    private static readonly VpSchedule Vp = new();

    private TrainOptions Options(double p, string run = "run") => new()
    {
        BatchSize = 8, LearningRate = 1e-2, Steps = 6, Seed = 7, StageSampling = StageSampling.Mixed, AugmentProbability = p,
        CheckpointEvery = 0, Device = "cpu", OutputDirectory = Path.Combine(_scratch.Path, run), ModelHash = "augment",
    };

    [Fact]
    public void WithAugmentationMapAugmentGetsAGradientAndLearns()
    {
        using var model = new TinyAugmentedUNet();
        var before = model.MapAugmentWeight.detach().clone();
        using var trainer = new MultistageTrainer(model, Vp, PredictionTarget.Eps, Options(1.0));
        trainer.TrainStep(TinyData.Source(), out _);
        var grad = model.MapAugmentWeight.grad;
        Assert.NotNull(grad);
        Assert.True(grad!.abs().max().item<float>() > 0, "map_augment got a zero gradient");
        Assert.False(model.MapAugmentWeight.allclose(before, rtol: 0, atol: 1e-7), "map_augment did not change");
    }

    /// <summary>
    /// The pipe adds one read per step: the reflect padding EDM's warp needs (its size depends on the drawn transforms, as in
    /// EDM's augment.py). Whether some sample needs the warp at all is not read back: the warp runs on the whole batch.
    /// </summary>
    [Fact]
    public void AugmentationReadsOnlyTheWarpsPaddingEachStep()
    {
        using var model = new TinyAugmentedUNet();
        using var trainer = new MultistageTrainer(model, Vp, PredictionTarget.Eps, Options(0.5) with { LogEvery = 3 });
        HostReads.Reset();
        trainer.Train(TinyData.Source());
        var sites = HostReads.Sites;
        Assert.Equal(6, sites["GeometricWarp.Margins"]);
        Assert.Equal(6, sites["MultistageTrainer.StageCounts"]);
        Assert.Equal(2, sites["MultistageTrainer.Flush"]);
        Assert.Equal(3, sites.Count);
    }

    [Fact]
    public void WithoutAugmentationMapAugmentGetsNoGradient()
    {
        using var model = new TinyAugmentedUNet();
        var before = model.MapAugmentWeight.detach().clone();
        using var trainer = new MultistageTrainer(model, Vp, PredictionTarget.Eps, Options(0.0));
        trainer.TrainStep(TinyData.Source(), out _);
        var grad = model.MapAugmentWeight.grad;
        Assert.True(grad is null || grad.abs().max().item<float>() == 0);
        Assert.True(model.MapAugmentWeight.equal(before).all().item<bool>());
    }

    [Fact]
    public void TheNetworkSeesTheNoisedAugmentedBatchAndItsLabelsAndTheTargetIsTheAugmentedBatch()
    {
        const int batch = 8;
        var model = new LabelRecordingModel();
        var data = TinyData.Source();
        using var trainer = new MultistageTrainer(model, Vp, PredictionTarget.X0, Options(1.0));
        trainer.TrainStep(data, out double loss);

        // The trainer's draws, in its order: the batch, the augmentation, the times, the noise.
        using var scope = NewDisposeScope();
        var g = new Generator(7);
        var x0 = data.NextBatch(batch, g);
        var (augmented, labels) = new EdmAugmentPipe(1.0).Augment(x0, g);
        var t = new TrainingTimeSampler(Vp, model.Stages, StageSampling.Mixed).Sample(batch, g).to(ScalarType.Float32);
        var eps = randn(x0.shape, dtype: x0.dtype, generator: g);
        using var levels = NoiseLevels.Of(Vp, t, augmented);
        var input = TargetParameterisation.ModelInput(PredictionTarget.X0, augmented + levels.Sigma * eps, levels.Scale, levels.Sigma, 0.5);

        var call = Assert.Single(model.Calls);
        Assert.NotNull(call.Labels);
        Assert.True(call.Labels!.equal(labels).all().item<bool>(), "the labels are not the augmentation's");
        Assert.True(labels.abs().sum(1).gt(0).all().item<bool>(), "with p = 1 every sample should carry a label");
        Assert.True(call.Input.allclose(input, rtol: 0, atol: 1e-5), "the network input is not the noised augmented batch");
        // The model predicts zeros, so an x0 loss is the mean square of its target: the augmented batch, not the original.
        Assert.Equal(augmented.square().mean().item<float>(), loss, 5);
        Assert.NotEqual(x0.square().mean().item<float>(), loss, 3);
    }

    [Fact]
    public void WithoutAugmentationTheNetworkGetsNoLabels()
    {
        var model = new LabelRecordingModel();
        using var trainer = new MultistageTrainer(model, Vp, PredictionTarget.Eps, Options(0.0));
        trainer.TrainStep(TinyData.Source(), out _);
        Assert.Null(Assert.Single(model.Calls).Labels);
    }

    [Fact]
    public void SamplingCallsTheNetworkWithoutLabels()
    {
        var model = new LabelRecordingModel();
        var sampler = new MultistageSampler(model, Vp, PredictionTarget.Eps, new SampleOptions { Solver = SolverKind.Ddim, Steps = 4 });
        sampler.Sample(2, 1, 8, 8, seed: 1);
        Assert.Equal(4, model.Calls.Count);
        Assert.All(model.Calls, c => Assert.Null(c.Labels));
    }

    [Fact]
    public void NoLabelsAreZeroLabelsAndLabelsChangeThePrediction()
    {
        using var model = new TinyAugmentedUNet();
        model.eval();
        using var scope = NewDisposeScope();
        using (no_grad())  // away from the zero-initialised output layers, so that the prediction depends on its input
            foreach (var p in model.parameters()) p.normal_(0, 0.3, generator: new Generator(4));
        var x = randn(4, 1, 8, 8, generator: new Generator(1));
        var t = tensor(new float[] { 0.1f, 0.3f, 0.6f, 0.9f });
        var none = model.Predict(x, t);
        var zero = model.Predict(x, t, zeros(4, AugmentLabels.Count));
        var some = model.Predict(x, t, ones(4, AugmentLabels.Count) * 0.5f);
        Assert.True(none.equal(zero).all().item<bool>());
        Assert.False(none.allclose(some, rtol: 0, atol: 1e-4));
    }

    [Fact]
    public void AModelWithoutTheLabelInputRefusesLabels()
    {
        using var scope = NewDisposeScope();
        var x = randn(2, 1, 8, 8);
        var t = tensor(new float[] { 0.2f, 0.7f });
        var labels = zeros(2, AugmentLabels.Count);
        using var plain = new TinyAugmentedUNet(augmentDim: 0);
        Assert.Contains("no augmentation-label input", Assert.Throws<ArgumentException>(() => plain.Predict(x, t, labels)).Message);
        IMultistageModel handWritten = new TinyMultistageModel(Vp, TinyAugmentedUNet.TwoStages);
        Assert.Contains("no augmentation-label input", Assert.Throws<ArgumentException>(() => handWritten.Predict(x, t, labels)).Message);
        Assert.Equal(x.shape, handWritten.Predict(x, t, null).shape);
        using var augmented = new TinyAugmentedUNet();
        Assert.Contains("[2, 9]", Assert.Throws<ArgumentException>(() => augmented.Predict(x, t, zeros(2, 5))).Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void TheTrainerRefusesAugmentationForAModelWithoutNineLabels(int augmentDim)
    {
        using var model = new TinyAugmentedUNet(augmentDim);
        var error = Assert.Throws<ArgumentException>(() => new MultistageTrainer(model, Vp, PredictionTarget.Eps, Options(0.12)));
        Assert.Contains("augment 9", error.Message);
        Assert.Contains($"this one takes {augmentDim}", error.Message);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void TheTrainerRefusesAProbabilityOutsideZeroToOne(double p)
    {
        using var model = new TinyAugmentedUNet();
        Assert.Contains("AugmentProbability", Assert.Throws<ArgumentException>(() => new MultistageTrainer(model, Vp, PredictionTarget.Eps, Options(p))).Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    public void KillAndResumeWithAugmentationEqualsAnUninterruptedRun(double p)
    {
        using var whole = new TinyAugmentedUNet();
        using (var trainer = new MultistageTrainer(whole, Vp, PredictionTarget.Eps, Options(p, "whole")))
            trainer.Train(TinyData.Source());

        using var resumed = new TinyAugmentedUNet(seed: 3);
        var options = Options(p, "killed") with { CheckpointEvery = 3 };
        using (var trainer = new MultistageTrainer(new TinyAugmentedUNet(), Vp, PredictionTarget.Eps, options))
        {
            using var kill = new CancellationTokenSource();
            trainer.StepCompleted += info => { if (info.Step == 3) kill.Cancel(); };
            Assert.True(trainer.Train(TinyData.Source(), kill.Token).Cancelled);
        }
        using (var trainer = new MultistageTrainer(resumed, Vp, PredictionTarget.Eps, options with { ResumeFrom = "latest" }))
            Assert.Equal(6, trainer.Train(TinyData.Source()).Step);

        Assert.Equal(whole.parameters().Count(), resumed.parameters().Count());
        foreach (var ((name, a), (_, b)) in whole.named_parameters().Zip(resumed.named_parameters()))
            Assert.True(a.allclose(b, rtol: 0, atol: 1e-6), $"{name} differs by {(a - b).abs().max().item<float>()}");
    }
}
