using System;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Checkpoints;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Runtime.Training;
using DiffusionDsl.Tests.Shared;

namespace DiffusionDsl.Runtime.Tests.Training;

public sealed class CheckpointWeightsTests : IDisposable
{
    private static readonly VpSchedule Vp = new();
    private readonly ScratchFolder _scratch = new();
    public void Dispose() => _scratch.Dispose();

    private static TinyMultistageModel Model(long seed) => new(Vp, TinyMultistageModel.ThreeStages(), hidden: 8, seed: seed);

    [Fact]
    public void LoadsTheEmaWeightsOrTheTrainedOnesIntoAFreshModel()
    {
        var trained = Model(seed: 0);
        using var trainer = new MultistageTrainer(trained, Vp, PredictionTarget.Eps, new TrainOptions
        {
            BatchSize = 8, LearningRate = 1e-2, EmaDecay = 0.5, Steps = 3, Seed = 1, OutputDirectory = _scratch.Path, ModelHash = "h", Device = "cpu",
        });
        var checkpoint = trainer.Train(TinyData.Source()).LastCheckpoint!;
        var ema = trainer.Ema.State.ToDictionary(p => p.Key, p => p.Value);

        var withEma = Model(seed: 7);
        var withoutEma = Model(seed: 8);
        Assert.Equal(3, CheckpointWeights.Load(checkpoint, withEma.Module, "h", ema: true));
        Assert.Equal(3, CheckpointWeights.Load(checkpoint, withoutEma.Module, "h", ema: false));

        foreach (var (name, parameter) in trained.Module.named_parameters())
        {
            Assert.True(withoutEma.Module.named_parameters().Single(p => p.name == name).parameter.allclose(parameter, rtol: 0, atol: 0), name);
            Assert.True(withEma.Module.named_parameters().Single(p => p.name == name).parameter.allclose(ema[name], rtol: 0, atol: 0), name);
        }
        Assert.Contains(trained.Module.named_parameters(), p => !p.parameter.allclose(ema[p.name], rtol: 0, atol: 0));
    }

    [Fact]
    public void AnotherModelHashIsRefused()
    {
        using var trainer = new MultistageTrainer(Model(0), Vp, PredictionTarget.Eps, new TrainOptions
        {
            BatchSize = 8, Steps = 1, OutputDirectory = _scratch.Path, ModelHash = "h",
        });
        var checkpoint = trainer.Train(TinyData.Source()).LastCheckpoint!;

        var error = Assert.Throws<CheckpointException>(() => CheckpointWeights.Load(checkpoint, Model(1).Module, "other"));
        Assert.Contains("model hash 'h'", error.Message);
    }
}
