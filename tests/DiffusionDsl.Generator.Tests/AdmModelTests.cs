using System;
using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Generator.Tests.Models;
using DiffusionDsl.Runtime.Training;
using DiffusionDsl.Tests.Shared;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionDsl.Generator.Tests;

/// <summary>A generated `encoder adm` model as a user has it: its counts, its initialisation, and training and sampling through its typed trainer and sampler.</summary>
public sealed class AdmModelTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private static long Count(nn.Module module) => module.parameters().Sum(p => p.numel());

    [Fact]
    public void CompileTimeParameterCountsEqualTorchSharpsCounts()
    {
        using var model = new ReferenceAdmMultistage();
        Assert.Equal(ReferenceAdmMultistage.Cost.SharedParameters, Count(model.Encoder));
        Assert.Equal(ReferenceAdmMultistage.Cost.Stages.Select(s => s.DecoderParameters), model.Decoders.Select(Count));
        Assert.Equal(899_625, Count(model)); // the reference's UNetModel_multistage of the fixture, counted by make_adm_fixture.py
    }

    /// <summary>ADM's zero_module layers start at zero; every other conv and linear at PyTorch's default, U(-1/sqrt(fan_in), 1/sqrt(fan_in)).</summary>
    [Fact]
    public void InitialisationIsAdmsZeroModulesAndPyTorchsDefault()
    {
        manual_seed(3);
        using var model = new ReferenceAdmMultistage();
        var zero = new[] { ".out_layers.3.", ".proj_out.", ".out.2." };
        foreach (var (name, p) in model.named_parameters())
        {
            if (name.Contains("norm", StringComparison.Ordinal) || name.Contains("in_layers.0", StringComparison.Ordinal)
                || name.Contains("out_layers.0", StringComparison.Ordinal) || name.Contains(".out.0.", StringComparison.Ordinal))
                continue;
            double largest = p.abs().max().item<float>();
            if (zero.Any(z => name.Contains(z, StringComparison.Ordinal)))
            {
                Assert.True(largest == 0, $"{name} should start at zero");
                continue;
            }
            var weight = p.dim() > 1 ? p : model.named_parameters().First(q => q.name == name[..^"bias".Length] + "weight").parameter;
            double bound = 1 / Math.Sqrt(weight[0].numel());
            Assert.True(largest <= bound && largest > 0.5 * bound, $"{name}: largest {largest} against the bound {bound}");
        }
    }

    [Fact]
    public void TrainsThroughItsTypedTrainerAndSamples()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var images = (randn(16, 3, 16, 16) * 0.5).clamp(-1, 1);
        using var model = new ReferenceAdmMultistage();
        var options = ReferenceAdmMultistageTrainer.Defaults with
        {
            Steps = 40, BatchSize = 8, LearningRate = 2e-3, WarmupSteps = 0, LogEvery = 1, CheckpointEvery = 0,
            OutputDirectory = _scratch.File("run"),
        };
        using var trainer = new ReferenceAdmMultistageTrainer(model, options);
        var losses = new List<double>();
        trainer.Trainer.StepCompleted += step => losses.Add(step.Loss);
        var result = trainer.Train(new TensorBatchSource(images), progressBar: false);

        Assert.Equal(40, result.Step);
        Assert.All(losses, loss => Assert.True(double.IsFinite(loss)));
        // Fitting 16 images: the eps-prediction loss falls from about 1 (a zero-initialised output predicts nothing).
        double first = losses.Take(5).Average(), last = losses.Skip(35).Average();
        Assert.True(last < 0.8 * first, $"loss {first:F3} over the first 5 steps, {last:F3} over the last 5");

        var sampler = new ReferenceAdmMultistageSampler(model, ReferenceAdmMultistageSampler.Defaults with { Solver = Runtime.Sampling.SolverKind.Ddim, Steps = 10 });
        var samples = sampler.Sample(count: 2, seed: 1);
        Assert.Equal(new long[] { 2, 3, 16, 16 }, samples.shape);
        Assert.True(samples.isfinite().all().item<bool>());
        Assert.Equal(3, sampler.EvaluationsPerStage.Count(n => n > 0));
    }
}
