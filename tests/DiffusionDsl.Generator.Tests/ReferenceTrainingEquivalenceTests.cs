using System;
using System.IO;
using System.Linq;
using DiffusionDsl.Generator.Tests.Models;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;
using DiffusionDsl.Runtime.Training;
using DiffusionDsl.Tests.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Generator.Tests;

/// <summary>
/// The trainer trains as the paper's code trains. The fixture (tests/Fixtures/Reference/multistage.training.safetensors,
/// written by scripts/reference/make_training_fixture.py) is six steps of the reference's own EDM training loop
/// (training_loop.py with its EDMMultistageLoss and EDM's Adam) on the tiny multistage network of the other reference
/// tests, at boundaries where its draws train every decoder: the images, noise levels and unit noise it drew at each
/// step, and the weights and EMA it ended with. Here the generated trainer of the .msd twin
/// (Models/ReferenceMultistageTraining.msd, whose train section is that run's recipe) trains on the same draws, so
/// everything else (the stage routing, EDM's loss weighting and summed reduction, the learning-rate ramp over images,
/// Adam skipping idle decoders, the half-life EMA that still moves idle decoders' averages) must give the same numbers.
/// </summary>
public class ReferenceTrainingEquivalenceTests
{
    // Adam divides each gradient by its own running size, so the relative rounding of the two libtorch builds (float32
    // convolutions summed in another order) reaches the weights' changes undamped on the smallest gradients.
    private const double Tolerance = 1e-3;
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public ReferenceTrainingEquivalenceTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Reference", name);

    [Fact]
    public void SixStepsGiveTheWeightsAndTheAverageOfTheReferencesTrainingLoop()
    {
        using var scope = NewDisposeScope();
        using var scratch = new ScratchFolder();
        using var fixture = SafetensorsFile.Open(Fixture("multistage.training.safetensors"));
        var (images, sigma, noise, referenceLoss) = (fixture.Read("images"), fixture.Read("sigma"), fixture.Read("noise"), fixture.Read("loss"));
        int steps = (int)images.shape[0];

        using var model = new ReferenceMultistageTraining();
        SafetensorsWeights.Import(model, Fixture("multistage.weights.safetensors"), WeightLayout.Reference);
        string initial = scratch.File("initial.safetensors");
        SafetensorsWeights.Export(model, initial, WeightLayout.Reference);

        // The reference's loss draws one stage per step, by (lo, hi] in sigma; ours routes each sample by [start, end) in t.
        var times = Enumerable.Range(0, steps)
            .Select(s => sigma[s].to(ScalarType.Float64).data<double>().ToArray().Select(model.Schedule.TimeOfSigma).ToArray()).ToArray();
        var referenceStages = sigma.to(ScalarType.Float64).data<double>().ToArray().Select(x => new[] { 0.2, 0.6 }.Count(b => x > b)).ToArray();
        var ourStages = times.SelectMany(t => model.Stages.StageOf(tensor(t, ScalarType.Float64)).data<long>().ToArray()).Select(k => (int)k).ToArray();
        Assert.Equal(referenceStages, ourStages);
        Assert.Equal(3, referenceStages.Distinct().Count());

        var options = ReferenceMultistageTrainingTrainer.Defaults with { OutputDirectory = scratch.Path, Device = "cpu", CheckpointAtEnd = false };
        using var trainer = new ReferenceMultistageTrainingTrainer(model, options);
        trainer.Trainer.ReplayDraws = step => (tensor(times[step], ScalarType.Float64), noise[step].clone());
        var losses = new double[steps];
        trainer.Trainer.StepCompleted += step => losses[step.Step - 1] = step.Loss;
        trainer.Trainer.Train(new ReplayedImages(images));
        Assert.Equal(steps, trainer.Trainer.Step);

        string trained = scratch.File("trained.safetensors"), average = scratch.File("ema.safetensors");
        SafetensorsWeights.Export(model, trained, WeightLayout.Reference);
        using (trainer.Trainer.Ema.Apply()) SafetensorsWeights.Export(model, average, WeightLayout.Reference);

        for (int s = 0; s < steps; s++)
            Assert.Equal(referenceLoss[s].mean().item<float>(), losses[s], 1e-5 * Math.Abs(losses[s]));
        double weights = ChangeDifference(fixture, "trained.", initial, trained);
        double ema = ChangeDifference(fixture, "ema.", initial, average);
        _output.WriteLine($"stages per step {string.Join(" ", referenceStages.Where((_, i) => i % 4 == 0))}; " +
                          $"weights {weights:0.0e0}, EMA {ema:0.0e0} of their largest change");
        Assert.True(weights <= Tolerance, $"the trained weights differ from the reference's by {weights:0.0e0} of their largest change");
        Assert.True(ema <= Tolerance, $"the EMA differs from the reference's by {ema:0.0e0} of its largest change");
    }

    /// <summary>
    /// Per tensor, max |ours - reference| / max |reference - initial|, the largest over the network: how far apart the two
    /// runs ended, as a share of how far training moved the tensor. A tensor the reference did not move must not move.
    /// </summary>
    private static double ChangeDifference(SafetensorsFile fixture, string prefix, string initialPath, string oursPath)
    {
        using var scope = NewDisposeScope();
        using var initial = SafetensorsFile.Open(initialPath);
        using var ours = SafetensorsFile.Open(oursPath);
        var names = fixture.Tensors.Select(t => t.Name).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Select(n => n[prefix.Length..]).ToArray();
        Assert.Equal(names.Order(StringComparer.Ordinal), ours.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        double worst = 0;
        foreach (var name in names)
        {
            var (reference, start, end) = (WithoutKeyBias(name, fixture.Read(prefix + name)), WithoutKeyBias(name, initial.Read(name)), WithoutKeyBias(name, ours.Read(name)));
            double moved = (reference - start).abs().max().item<float>();
            double apart = (end - reference).abs().max().item<float>();
            if (moved == 0) Assert.True(apart == 0, $"{prefix}{name}: the reference left it as it was; ours moved it by {apart}");
            else worst = Math.Max(worst, apart / moved);
        }
        return worst;
    }

    /// <summary>
    /// An attention layer's qkv bias without its key part (channel 3c + 1 of each head's c, as EDM's AttentionOp splits the
    /// qkv output). Adding one number to every logit of a query leaves its softmax unchanged, so the key bias gets no
    /// gradient but rounding noise, which Adam's normalised step turns into moves of about the learning rate, in either
    /// implementation and in no shared direction (measured: 1.3 to 1.9 times the reference's own move). The query and
    /// value parts are compared.
    /// </summary>
    private static Tensor WithoutKeyBias(string name, Tensor value) =>
        name.EndsWith(".qkv.bias", StringComparison.Ordinal)
            ? value.index_select(0, arange(value.shape[0], dtype: ScalarType.Int64).remainder(3).ne(1).nonzero().flatten())
            : value;

    /// <summary>The images the reference's loop trained on, one recorded batch per step, in its order.</summary>
    private sealed class ReplayedImages : IBatchSource
    {
        private readonly Tensor _batches;
        private long _next;

        public ReplayedImages(Tensor batches) => _batches = batches;

        public int Channels => (int)_batches.shape[2];
        public int Height => (int)_batches.shape[3];
        public int Width => (int)_batches.shape[4];

        public Tensor NextBatch(int batchSize, torch.Generator? generator)
        {
            Assert.Equal(_batches.shape[1], batchSize);
            return _batches[_next++].clone();
        }
    }
}
