using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Runtime.Training;
using DiffusionDsl.Tests.Shared;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Training;

/// <summary>
/// A stage decoder that had no samples in a step must not move: PyTorch's AdamW skips parameters whose gradient is
/// None (the reference calls zero_grad(set_to_none=True)); TorchSharp's zero_grad() would leave zeros, and AdamW
/// would keep moving them on momentum and weight decay.
/// </summary>
public sealed class IdleDecoderTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();
    public void Dispose() => _scratch.Dispose();

    private sealed record Snapshot(Tensor Weight, Tensor Shadow, long AdamStep, Tensor ExpAvg, Tensor ExpAvgSq);

    private static Dictionary<string, Snapshot> Take(MultistageTrainer trainer, SmallUNet model)
    {
        var shadows = trainer.Ema.State.ToDictionary(p => p.Key, p => p.Value);
        var states = trainer.Optimizer.state_dict().State.Cast<AdamW.State>().ToList();
        var index = trainer.Parameters.Select((p, i) => (p.Handle, i)).ToDictionary(e => e.Handle, e => e.i);
        return model.named_parameters().ToDictionary(p => p.name, p =>
        {
            var state = states[index[p.parameter.Handle]];
            return new Snapshot(p.parameter.detach().clone(), shadows[p.name].clone(), state.step, state.exp_avg.clone(), state.exp_avg_sq.clone());
        });
    }

    private static bool Same(Tensor a, Tensor b) => a.allclose(b, rtol: 0, atol: 0);

    [Theory]
    [InlineData(StageSampling.UniformStage, 1)]
    [InlineData(StageSampling.UniformStage, 2)]
    [InlineData(StageSampling.ScheduleProportional, 1)]
    [InlineData(StageSampling.ScheduleProportional, 2)]
    [InlineData(StageSampling.Mixed, 1)]
    [InlineData(StageSampling.Mixed, 2)]
    public void ADecoderWithoutSamplesKeepsWeightsShadowAndOptimizerState(StageSampling policy, int accumulate)
    {
        random.manual_seed(1);
        using var model = new SmallUNet(SmallUNet.Encoder(dropout: 0.1));
        var options = new TrainOptions
        {
            BatchSize = policy == StageSampling.Mixed ? 2 : 4, GradAccumulation = accumulate, LearningRate = 1e-2, WeightDecay = 0.01,
            EmaDecay = 0.9, Steps = 1000, CheckpointEvery = 0, StageSampling = policy, Seed = 5, OutputDirectory = Path.Combine(_scratch.Path, "run"),
        };
        using var trainer = new MultistageTrainer(model, model.Schedule, PredictionTarget.Eps, options);
        var data = TinyData.Source();
        int idleChecked = 0, activeMoved = 0;
        for (int step = 0; step < 14; step++)
        {
            using var scope = NewDisposeScope();
            var before = Take(trainer, model);
            var stageLosses = trainer.TrainStep(data, out _);
            var after = Take(trainer, model);
            for (int k = 0; k < model.Stages.Count; k++)
            {
                var prefix = model.Stages.Stages[k].Name + ".";
                var names = before.Keys.Where(n => n.StartsWith(prefix)).ToList();
                Assert.NotEmpty(names);
                if (!double.IsNaN(stageLosses[k]))
                {
                    if (names.Any(n => !Same(before[n].Weight, after[n].Weight))) activeMoved++;
                    continue;
                }
                foreach (var n in names)
                {
                    Assert.True(Same(before[n].Weight, after[n].Weight), $"step {step}: {n} moved");
                    Assert.True(Same(before[n].Shadow, after[n].Shadow), $"step {step}: the EMA of {n} moved");
                    Assert.Equal(before[n].AdamStep, after[n].AdamStep);
                    Assert.True(Same(before[n].ExpAvg, after[n].ExpAvg) && Same(before[n].ExpAvgSq, after[n].ExpAvgSq), $"step {step}: AdamW's moments of {n} moved");
                }
                idleChecked++;
            }
        }
        Assert.True(idleChecked >= 3, $"only {idleChecked} idle decoder-steps were seen");
        Assert.True(activeMoved >= 3, $"only {activeMoved} active decoder-steps moved");
    }

    /// <summary>
    /// Idle shadows are left alone, but the average used for sampling and checkpoints is what EDM's EMA holds: every
    /// shadow pulled towards its parameter on every step, idle or not.
    /// </summary>
    [Fact]
    public void TheAppliedAverageEqualsAnEveryStepEma()
    {
        random.manual_seed(2);
        using var model = new SmallUNet();
        var options = new TrainOptions
        {
            BatchSize = 4, LearningRate = 1e-2, EmaDecay = 0.9, EmaWarmupSteps = 5, Steps = 1000, CheckpointEvery = 0,
            StageSampling = StageSampling.UniformStage, Seed = 7, OutputDirectory = Path.Combine(_scratch.Path, "every-step"),
        };
        using var trainer = new MultistageTrainer(model, model.Schedule, PredictionTarget.Eps, options);
        var everyStep = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        var data = TinyData.Source();
        for (int step = 0; step < 12; step++)
        {
            trainer.TrainStep(data, out _);
            using var noGrad = no_grad();
            foreach (var (name, p) in model.named_parameters()) everyStep[name].lerp_(p, 1.0 - trainer.Ema.DecayAt(step));
        }
        using (trainer.Ema.Apply())
        {
            foreach (var (name, p) in model.named_parameters())
                Assert.True(p.allclose(everyStep[name], rtol: 1e-5, atol: 1e-7), $"{name}: the applied average is off by {(p - everyStep[name]).abs().max().item<float>()}");
        }
    }
}
