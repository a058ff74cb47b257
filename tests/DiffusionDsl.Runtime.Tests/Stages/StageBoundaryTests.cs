using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Staging;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Runtime.Training;
using DiffusionDsl.Tests.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Stages;

/// <summary>
/// One definition of a stage: t in [Start, End), boundaries in float64, compared in float64 by the scalar lookup
/// (the evaluation counter), the tensor routing (the network, the trainer) alike, for float32 and float64 times.
/// </summary>
public sealed class StageBoundaryTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();
    public void Dispose() => _scratch.Dispose();

    /// <summary>Each boundary of SmallUNet's table and its 1-ulp neighbours, in float64 and as float32 values.</summary>
    public static IEnumerable<object[]> Neighbours()
    {
        foreach (var b in new[] { 0.442, 0.631 })
        {
            foreach (var t in new[] { Math.BitDecrement(b), b, Math.BitIncrement(b) }) yield return new object[] { t, false };
            float f = (float)b;
            foreach (var t in new[] { MathF.BitDecrement(f), f, MathF.BitIncrement(f) }) yield return new object[] { (double)t, true };
        }
    }

    private static int Expected(double t) => t >= 0.631 ? 2 : t >= 0.442 ? 1 : 0;

    [Theory]
    [MemberData(nameof(Neighbours))]
    public void ScalarAndTensorLookupsAgreeOnEitherSideOfABoundary(double t, bool asFloat32)
    {
        var table = SmallUNet.Table;
        Assert.Equal(Expected(t), table.StageOf(t));
        using var times = tensor(new[] { t }, dtype: asFloat32 ? ScalarType.Float32 : ScalarType.Float64);
        Assert.Equal(Expected(t), table.StageOf(times)[0].item<long>());
    }

    [Theory]
    [MemberData(nameof(Neighbours))]
    public void TheNetworkAndTheEvaluationCounterPickTheSameDecoder(double t, bool asFloat32)
    {
        using var model = new SmallUNet();
        using var noGrad = no_grad();
        var x = randn(2, 1, 8, 8);

        var before = model.SamplesSeen();
        model.forward(x, full(2, t, dtype: asFloat32 ? ScalarType.Float32 : ScalarType.Float64));
        Assert.Equal(Expected(t), Moved(before, model.SamplesSeen()));

        var denoiser = new Denoiser(model, model.Schedule, PredictionTarget.Eps);
        before = model.SamplesSeen();
        denoiser.Denoise(x, t);
        Assert.Equal(Expected(t), Moved(before, model.SamplesSeen()));
        Assert.Equal(1, denoiser.EvaluationsPerStage[Expected(t)]);
    }

    private static int Moved(long[] before, long[] after) => Assert.Single(Enumerable.Range(0, before.Length), k => after[k] != before[k]);

    /// <summary>
    /// A middle stage narrower than one float32 step around t = 0.5: every time drawn in it rounds, as float32, onto a
    /// neighbouring stage. The trainer must still train the middle decoder on them.
    /// </summary>
    [Fact]
    public void TheTrainerRoutesTimesInFloat64()
    {
        double b1 = 0.5 + 1e-9, b2 = 0.5 + 2e-8;
        var stages = new StageTable(new[] { new StageInfo("near_data", 0, b1), new StageInfo("middle", b1, b2), new StageInfo("near_noise", b2, 1) });
        using var model = new SmallUNet(stages: stages);
        var options = new TrainOptions { BatchSize = 4, Steps = 100, CheckpointEvery = 0, StageSampling = StageSampling.UniformStage, Seed = 3, OutputDirectory = Path.Combine(_scratch.Path, "run") };
        using var trainer = new MultistageTrainer(model, model.Schedule, PredictionTarget.Eps, options);
        var data = TinyData.Source();
        int middleSteps = 0;
        for (int step = 0; step < 12; step++)
        {
            var before = model.SamplesSeen();
            var losses = trainer.TrainStep(data, out _);
            int stage = Array.FindIndex(losses, l => !double.IsNaN(l));
            Assert.Equal(stage, Moved(before, model.SamplesSeen()));
            if (stage == 1) middleSteps++;
        }
        Assert.True(middleSteps > 0, "no step drew the middle stage");
    }
}
