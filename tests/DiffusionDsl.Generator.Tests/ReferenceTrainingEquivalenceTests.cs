using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiffusionDsl.Generator.Tests.Models;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;
using DiffusionDsl.Runtime.Networks;
using DiffusionDsl.Runtime.Training;
using DiffusionDsl.Tests.Shared;
using TorchSharp;
using static TorchSharp.torch;
using static DiffusionDsl.Generator.Tests.ReferenceFixture;

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
public sealed class ReferenceTrainingEquivalenceTests : IDisposable
{
    // Adam divides each gradient by its own running size, so where a gradient entry is near Adam's eps (1e-8) the two
    // libtorch builds' rounding (float32 sums in another order) reaches its weight's change undamped: a few entries of a
    // tensor then part by a few percent of the learning rate. The comparison is over each tensor as a whole (L2), where
    // those few entries weigh little.
    private const double Tolerance = 2e-3;
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public ReferenceTrainingEquivalenceTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void SixEdmStepsGiveTheWeightsAndTheAverageOfTheReferencesTrainingLoop()
    {
        using var scope = NewDisposeScope();
        using var fixture = SafetensorsFile.Open(Fixture("multistage.training.safetensors"));
        var sigma = fixture.Read("sigma").to(ScalarType.Float64);
        using var model = new ReferenceMultistageTraining();
        // The reference's loss draws one stage per step, by (lo, hi] in sigma; ours routes each sample by [start, end) in t.
        var times = Enumerable.Range(0, (int)sigma.shape[0]).Select(s => sigma[s].data<double>().ToArray().Select(model.Schedule.TimeOfSigma).ToArray()).ToArray();
        var referenceStages = sigma.data<double>().ToArray().Select(x => new[] { 0.2, 0.6 }.Count(b => x > b)).ToArray();
        var referenceLoss = fixture.Read("loss").flatten(1).mean(new long[] { 1 }).to(ScalarType.Float64).data<double>().ToArray();
        AssertTrainsAsTheReference(model, m => new ReferenceMultistageTrainingTrainer((ReferenceMultistageTraining)m,
            ReferenceMultistageTrainingTrainer.Defaults with { OutputDirectory = Scratch(m), Device = "cpu", CheckpointAtEnd = false }).Trainer,
            fixture, times, referenceStages, referenceLoss);
    }

    /// <summary>
    /// The same for a VP model against the reference's score_sde training step (multistage-vp.training.safetensors, written
    /// by scripts/reference/make_vp_training_fixture.py): its one uniformly drawn stage per batch, the per-pixel mean
    /// eps loss at 999 t, the warm-up, the gradient clipping at 1, Adam, and the EMA with score_sde's warm-up.
    /// </summary>
    [Fact]
    public void SixVpStepsGiveTheWeightsAndTheAverageOfTheReferencesScoreSdeStep() => AssertVpTrainsAsTheReference("multistage-vp.training.safetensors", 1);

    /// <summary>
    /// The reference's training command, `torchrun --nproc_per_node=2`: two processes, each drawing its own stage for its
    /// half of the batch, DDP averaging their gradients (multistage-vp-2ranks.training.safetensors: 2 of the 4 images in
    /// each process, two stages in most steps). Here one batch of 4 drawn as two groups (`stage_groups 2`), whose mean
    /// loss over the batch has that averaged gradient, before the clipping.
    /// </summary>
    [Fact]
    public void TwoStageGroupsTrainAsTheReferencesTwoProcesses() => AssertVpTrainsAsTheReference("multistage-vp-2ranks.training.safetensors", 2);

    /// <summary>
    /// The same step on the paper's VP network itself: the reference's score_sde NCSN++ (NCSNpp_multimodel, tiny, routing
    /// each batch by its first time) from the weights of the checkpoint ScoreSdeNetworkEquivalenceTests converts
    /// (multistage-vp-ncsnpp.training.safetensors, by make_vp_training_fixture.py, its weights written under EDM's names by
    /// the shipped converter's map). The twin is ReferenceScoreSdeNcsnppTraining.msd (`encoder ncsnpp`).
    /// </summary>
    [Fact]
    public void SixVpStepsOfTheReferencesNcsnppGiveItsWeightsAndAverage()
    {
        using var scope = NewDisposeScope();
        using var fixture = SafetensorsFile.Open(Fixture("multistage-vp-ncsnpp.training.safetensors"));
        Assert.Equal("ncsnpp", fixture.Metadata["network"]);
        var t = fixture.Read("t");
        var times = Enumerable.Range(0, (int)t.shape[0]).Select(s => t[s].data<double>().ToArray()).ToArray();
        var referenceStages = times.SelectMany(step => step.Select(_ => new[] { 0.3, 0.6 }.Count(b => step[0] > b))).ToArray();
        var referenceLoss = fixture.Read("loss").flatten().to(ScalarType.Float64).data<double>().ToArray();
        var initial = ScoreSdeNetworkEquivalenceTests.Convert(Fixture("multistage-vp-ncsnpp.checkpoint.pth"), "model", _scratch.File("ncsnpp-initial.safetensors"));
        using var model = new ReferenceScoreSdeNcsnppTraining();
        AssertTrainsAsTheReference(model, m => new ReferenceScoreSdeNcsnppTrainingTrainer((ReferenceScoreSdeNcsnppTraining)m,
            ReferenceScoreSdeNcsnppTrainingTrainer.Defaults with { OutputDirectory = Scratch(m), Device = "cpu", CheckpointAtEnd = false }).Trainer,
            fixture, times, referenceStages, referenceLoss, initial);
    }

    /// <summary>
    /// The paper's third network, its LDM, against the reference's own latent-diffusion training
    /// (ldm-multistage.training.safetensors, written by scripts/reference/make_ldm_training_fixture.py): LatentDiffusion with
    /// the tiny UNetModel_multistage of the ADM fixtures in three DDP processes, each drawing integer steps in its own
    /// stage (rank mod 3), p_losses' per-sample mean eps loss at those steps, AdamW with PyTorch's default weight decay,
    /// and LitEma's warm-up. Here one batch of 6 in three groups of 2 (`stage_groups 3`, `stage_sampling cyclic`, whose
    /// group g trains stage g at every step as process g does), with the reference's draws replayed: the draws
    /// themselves are DiscreteTrainingTimesTests'. The twin is ReferenceAdmTraining.msd (`encoder adm`).
    /// </summary>
    [Fact]
    public void SixLdmStepsOfThreeProcessesGiveTheWeightsAndAverageOfTheReferencesLatentDiffusion()
    {
        using var scope = NewDisposeScope();
        using var fixture = SafetensorsFile.Open(Fixture("ldm-multistage.training.safetensors"));
        Assert.Equal("3", fixture.Metadata["ranks"]);
        var steps = fixture.Read("steps");
        // DDPM step n sits at t = n / (steps - 1); the reference's stage_interval [442, 631, 1000] starts a stage at its step.
        var times = Enumerable.Range(0, (int)steps.shape[0]).Select(s => steps[s].data<long>().ToArray().Select(n => n / 999.0).ToArray()).ToArray();
        var referenceStages = steps.data<long>().ToArray().Select(n => new[] { 442L, 631L }.Count(b => n >= b)).ToArray();
        var referenceLoss = fixture.Read("loss").flatten().to(ScalarType.Float64).data<double>().ToArray();
        // Where GroupNorm32 has one channel per group (the 32-wide blocks), a constant per channel ahead of it is normalised
        // away: the blocks' projections of the embedding and the biases before such a norm get no gradient but rounding, which Adam
        // turns into moves of about the learning rate in no shared direction. The fixture lists them (its float32 gradient
        // at most 2.6e-8 of the largest, every other at least 5e-3); they are left out, and they are only those.
        var withoutGradient = System.Text.Json.JsonSerializer.Deserialize<string[]>(fixture.Metadata["vanishing_gradients"])!.ToHashSet();
        Assert.Equal(40, withoutGradient.Count);
        Assert.All(withoutGradient, name => Assert.Matches(@"\.(emb_layers\.1\.(weight|bias)|in_layers\.2\.bias|out_layers\.3\.bias|skip_connection\.bias)$", name));
        Assert.DoesNotContain(withoutGradient, name => name.StartsWith("de_modules.0.", StringComparison.Ordinal)); // 64 wide: the embedding is checked there
        using var model = new ReferenceAdmTraining();
        Assert.Equal(StageSampling.Cyclic, ReferenceAdmTrainingTrainer.Defaults.StageSampling);
        AssertTrainsAsTheReference(model, m => new ReferenceAdmTrainingTrainer((ReferenceAdmTraining)m,
            ReferenceAdmTrainingTrainer.Defaults with { OutputDirectory = Scratch(m), Device = "cpu", CheckpointAtEnd = false }).Trainer,
            fixture, times, referenceStages, referenceLoss, Fixture("adm-multistage.weights.safetensors"), AdmKeyChannels, withoutGradient);
    }

    private void AssertVpTrainsAsTheReference(string fixtureName, int groups)
    {
        using var scope = NewDisposeScope();
        using var fixture = SafetensorsFile.Open(Fixture(fixtureName));
        Assert.Equal(groups.ToString(System.Globalization.CultureInfo.InvariantCulture), fixture.Metadata["ranks"]);
        var t = fixture.Read("t");
        var times = Enumerable.Range(0, (int)t.shape[0]).Select(s => t[s].data<double>().ToArray()).ToArray();
        // Each process routes its share of the batch by the share's first time, (lo, hi].
        int share = times[0].Length / groups;
        var referenceStages = times.SelectMany(step => step.Select((_, i) => new[] { 0.3, 0.6 }.Count(b => step[i / share * share] > b))).ToArray();
        var referenceLoss = fixture.Read("loss").flatten().to(ScalarType.Float64).data<double>().ToArray();
        using var model = new ReferenceMultistageVpTraining();
        AssertTrainsAsTheReference(model, m => new ReferenceMultistageVpTrainingTrainer((ReferenceMultistageVpTraining)m,
            ReferenceMultistageVpTrainingTrainer.Defaults with { OutputDirectory = Scratch(m), Device = "cpu", CheckpointAtEnd = false, StageGroups = groups }).Trainer,
            fixture, times, referenceStages, referenceLoss);
    }

    private readonly ScratchFolder _scratch = new();

    private string Scratch(object model) => Path.Combine(_scratch.Path, model.GetType().Name);

    /// <summary>
    /// Imports the fixtures' initial weights, trains on the reference run's images and draws (the times [steps][batch],
    /// the fixture's unit noise) and compares every step's loss, the trained weights and their average with the reference's.
    /// </summary>
    private void AssertTrainsAsTheReference(MultistageUNet model, Func<MultistageUNet, MultistageTrainer> createTrainer, SafetensorsFile fixture,
        double[][] times, int[] referenceStages, double[] referenceLoss, string? initialWeights = null, Func<Tensor, Tensor>? keyChannels = null,
        IReadOnlySet<string>? withoutGradient = null)
    {
        keyChannels ??= EdmKeyChannels;
        var (images, noise) = (fixture.Read("images"), fixture.Read("noise"));
        int steps = (int)images.shape[0];
        SafetensorsWeights.Import(model, initialWeights ?? Fixture("multistage.weights.safetensors"), WeightLayout.Reference);
        string initial = _scratch.File($"{model.GetType().Name}.initial.safetensors");
        SafetensorsWeights.Export(model, initial, WeightLayout.Reference);

        var ourStages = times.SelectMany(t => model.Stages.StageOf(tensor(t, ScalarType.Float64)).data<long>().ToArray()).Select(k => (int)k).ToArray();
        Assert.Equal(referenceStages, ourStages);
        Assert.Equal(3, referenceStages.Distinct().Count());

        using var trainer = createTrainer(model);
        trainer.ReplayDraws = step => (tensor(times[step], ScalarType.Float64), noise[step].clone());
        var losses = new double[steps];
        trainer.StepCompleted += step => losses[step.Step - 1] = step.Loss;
        trainer.Train(new ReplayedImages(images));
        Assert.Equal(steps, trainer.Step);

        string trained = _scratch.File($"{model.GetType().Name}.trained.safetensors"), average = _scratch.File($"{model.GetType().Name}.ema.safetensors");
        SafetensorsWeights.Export(model, trained, WeightLayout.Reference);
        using (trainer.Ema.Apply()) SafetensorsWeights.Export(model, average, WeightLayout.Reference);

        for (int s = 0; s < steps; s++)
            Assert.True(Math.Abs(losses[s] - referenceLoss[s]) <= 1e-5 * Math.Abs(referenceLoss[s]), $"step {s + 1}: loss {losses[s]}, the reference's {referenceLoss[s]}");
        double weights = ChangeDifference(fixture, "trained.", initial, trained, keyChannels, withoutGradient);
        double ema = ChangeDifference(fixture, "ema.", initial, average, keyChannels, withoutGradient);
        _output.WriteLine($"stages per step {string.Join(" ", referenceStages.Chunk((int)images.shape[1]).Select(step => string.Concat(step)))}; " +
                          $"weights {weights:0.0e0}, EMA {ema:0.0e0} of their largest change");
        Assert.True(weights <= Tolerance, $"the trained weights differ from the reference's by {weights:0.0e0} of their largest change");
        Assert.True(ema <= Tolerance, $"the EMA differs from the reference's by {ema:0.0e0} of its largest change");
    }

    /// <summary>
    /// Per tensor, ||ours - reference|| / ||reference - initial|| (L2, in float64), the largest over the network: how far
    /// apart the two runs ended, as a share of how far training moved the tensor. A tensor the reference did not move must
    /// not move.
    /// </summary>
    private static double ChangeDifference(SafetensorsFile fixture, string prefix, string initialPath, string oursPath, Func<Tensor, Tensor> keyChannels,
        IReadOnlySet<string>? withoutGradient)
    {
        using var scope = NewDisposeScope();
        using var initial = SafetensorsFile.Open(initialPath);
        using var ours = SafetensorsFile.Open(oursPath);
        var names = fixture.Tensors.Select(t => t.Name).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Select(n => n[prefix.Length..]).ToArray();
        Assert.Equal(names.Order(StringComparer.Ordinal), ours.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        double worst = 0;
        foreach (var name in names.Where(n => withoutGradient?.Contains(n) != true))
        {
            var (reference, start, end) = (WithoutKeyBias(name, fixture.Read(prefix + name), keyChannels), WithoutKeyBias(name, initial.Read(name), keyChannels),
                                           WithoutKeyBias(name, ours.Read(name), keyChannels));
            double moved = (reference - start).to(ScalarType.Float64).norm().item<double>();
            double apart = (end - reference).to(ScalarType.Float64).norm().item<double>();
            if (moved == 0) Assert.True(apart == 0, $"{prefix}{name}: the reference left it as it was; ours moved it by {apart}");
            else worst = Math.Max(worst, apart / moved);
        }
        return worst;
    }

    /// <summary>
    /// An attention layer's qkv bias without its key part (<paramref name="keyChannels"/> picks it). Adding one number to every logit of a query leaves its softmax unchanged, so the key bias gets no
    /// gradient but rounding noise, which Adam's normalised step turns into moves of about the learning rate, in either
    /// implementation and in no shared direction (by their largest entry, 1.3 to 1.9 times the reference's own move).
    /// The query and value parts are compared.
    /// </summary>
    private static Tensor WithoutKeyBias(string name, Tensor value, Func<Tensor, Tensor> keyChannels) =>
        name.EndsWith(".qkv.bias", StringComparison.Ordinal)
            ? value.index_select(0, keyChannels(arange(value.shape[0], dtype: ScalarType.Int64)).logical_not().nonzero().flatten())
            : value;

    /// <summary>EDM's AttentionOp splits the qkv output as channel 3c + j (j = 0, 1, 2 for q, k, v) of each head's c.</summary>
    private static Tensor EdmKeyChannels(Tensor channel) => channel.remainder(3).eq(1);

    /// <summary>ADM's QKVAttentionLegacy splits each head's 3c channels as [q | k | v], c = 32 channels per head here.</summary>
    private static Tensor AdmKeyChannels(Tensor channel) => channel.remainder(3 * 32).div(32, rounding_mode: RoundingMode.floor).eq(1);

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
