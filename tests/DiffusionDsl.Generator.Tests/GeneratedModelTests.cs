using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using DiffusionDsl.Generator.Tests.Models;
using static TorchSharp.torch;

namespace DiffusionDsl.Generator.Tests;

/// <summary>Builds models the generator emitted into this test project and runs them.</summary>
public class GeneratedModelTests
{
    private static long Count(nn.Module module) => module.parameters().Sum(p => p.numel());

    [Fact]
    public void CompileTimeParameterCountsEqualTorchSharpsCounts()
    {
        using var model = new TinyMultistage();
        Assert.Equal(TinyMultistage.Cost.SharedParameters, Count(model.Encoder));
        Assert.Equal(TinyMultistage.Cost.Stages[0].DecoderParameters, Count(model.NearData));
        Assert.Equal(TinyMultistage.Cost.Stages[1].DecoderParameters, Count(model.Middle));
        Assert.Equal(TinyMultistage.Cost.Stages[2].DecoderParameters, Count(model.NearNoise));
        Assert.Equal(TinyMultistage.Cost.TotalParameters, Count(model));
    }

    [Fact]
    public void FullFormModelCountsMatchToo()
    {
        using var model = new EdmFullForm();
        Assert.Equal(EdmFullForm.Cost.SharedParameters, Count(model.Encoder));
        Assert.Equal(EdmFullForm.Cost.TotalParameters, Count(model));
    }

    [Fact]
    public void NcsnppModelCountsMatchToo()
    {
        using var model = new ReferenceMultistageNcsnpp();
        Assert.Equal(ReferenceMultistageNcsnpp.Cost.SharedParameters, Count(model.Encoder));
        Assert.Equal(ReferenceMultistageNcsnpp.Cost.TotalParameters, Count(model));
        Assert.Contains(model.Encoder.named_parameters(), p => p.name == "enc.4x4_aux_residual.weight");
    }

    [Fact]
    public void PaperCifar10ModelHasTheReferenceParameterCountInTorchSharp()
    {
        using var model = new Examples.Cifar.Cifar10Multistage();
        Assert.Equal(128_793_385, Count(model));
        Assert.Equal(19_632_768, Count(model.Encoder));
        Assert.Equal(Examples.Cifar.Cifar10Multistage.Cost.TotalParameters, Count(model));
    }

    [Fact]
    public void TheTrainSectionsAugmentationProbabilityReachesTheTrainerDefaults()
    {
        Assert.Equal(0.12, Examples.Cifar.Cifar10MultistageTrainer.Defaults.AugmentProbability);
        Assert.Equal(0, TinyMultistageTrainer.Defaults.AugmentProbability);
    }

    /// <summary>
    /// A fixed EMA decay warms up at every update whether it comes from the .msd (TinyMultistage writes no EMA setting)
    /// or from TrainOptions built in C#: a 0.9999 average of a short run without it is mostly the initial weights.
    /// </summary>
    [Fact]
    public void TrainOptionsWarmTheEmaAsTheMsdsDefaultsDo() =>
        Assert.Equal(TinyMultistageTrainer.Defaults.EmaWarmupSteps, new DiffusionDsl.Runtime.Training.TrainOptions().EmaWarmupSteps);

    [Fact]
    public void TheTrainSectionsFlipReachesTheTrainerDefaultsAndTrainPy()
    {
        Assert.True(DdpmVelocityTrainer.Defaults.HorizontalFlip);
        Assert.False(TinyMultistageTrainer.Defaults.HorizontalFlip);
        var compilation = DiffusionDsl.Language.MsdCompiler.Compile(System.IO.File.ReadAllText(
            System.IO.Path.Combine(System.AppContext.BaseDirectory, "Models", "DdpmVelocity.msd")));
        var modelPy = DiffusionDsl.Language.Backends.PyTorch.PyTorchExport.Files(compilation.Model!, "DdpmVelocity.msd", "hash")[0].Text;
        Assert.Contains(", flip=True,", modelPy);
    }

    [Fact]
    public void TheTrainSectionsPrecisionReachesTheTrainerDefaultsAndTrainPy()
    {
        Assert.Equal(DiffusionDsl.Runtime.Training.MixedPrecision.Float32, Examples.Cifar.Cifar10MultistageTrainer.Defaults.Precision);
        Assert.Equal(DiffusionDsl.Runtime.Training.MixedPrecision.Auto, TinyMultistageTrainer.Defaults.Precision);
        var compilation = DiffusionDsl.Language.MsdCompiler.Compile(System.IO.File.ReadAllText(
            System.IO.Path.Combine(System.AppContext.BaseDirectory, "Models", "Cifar10Multistage.msd")));
        var modelPy = DiffusionDsl.Language.Backends.PyTorch.PyTorchExport.Files(compilation.Model!, "Cifar10Multistage.msd", "hash")[0].Text;
        Assert.Contains(", precision=\"fp32\",", modelPy);
    }

    [Fact]
    public void TheTrainSectionsEvaluationSettingsReachTheTrainerDefaults()
    {
        Assert.Equal((250, 64), (EdmFullFormTrainer.Defaults.EvalEvery, EdmFullFormTrainer.Defaults.EvalCount));
        Assert.Equal((0, 500), (TinyMultistageTrainer.Defaults.EvalEvery, TinyMultistageTrainer.Defaults.EvalCount));
    }

    [Fact]
    public void TheModelHandsItsCostTableToTheTrainer()
    {
        using var model = new TinyMultistage();
        Assert.Same(TinyMultistage.Cost, ((DiffusionDsl.Runtime.Staging.IMultistageModel)model).Cost);
    }

    [Fact]
    public void EveryGroupNormStartsAtOneAndZero()
    {
        using var model = new TinyMultistage();
        var norms = model.modules().Select(m => m).OfType<GroupNorm>().ToList();
        Assert.NotEmpty(norms);
        foreach (var norm in norms)
        {
            Assert.True(norm.weight!.eq(1).all().item<bool>(), "GroupNorm weight must be initialised to 1");
            Assert.True(norm.bias!.eq(0).all().item<bool>(), "GroupNorm bias must be initialised to 0");
        }
    }

    [Fact]
    public void MixedStageBatchRoutesEverySampleToItsOwnDecoderAndBackpropagates()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var model = new TinyMultistage();
        model.eval();
        var x = randn(6, 1, 8, 8);
        var t = tensor(new[] { 0.1f, 0.5f, 0.9f, 0.3f, 0.95f, 0.6f });
        var stageOf = new[] { 0, 1, 2, 0, 2, 1 };

        var before = model.Decoders.Select(d => d.SamplesSeen).ToArray();
        var mixed = model.forward(x, t);
        var seen = model.Decoders.Select((d, i) => d.SamplesSeen - before[i]).ToArray();
        Assert.Equal(new long[] { 2, 2, 2 }, seen);

        for (int i = 0; i < 6; i++)
        {
            var alone = model.forward(x[i].unsqueeze(0), t[i].unsqueeze(0));
            var direct = model.Decoders[stageOf[i]].Decode(model.Encoder.Encode(x[i].unsqueeze(0), tensor(new[] { 999f * t[i].item<float>() })));
            Assert.True(allclose(mixed[i].unsqueeze(0), alone, rtol: 1e-4, atol: 1e-5), $"sample {i} differs between mixed and single batches");
            Assert.True(allclose(alone, direct, rtol: 1e-4, atol: 1e-5), $"sample {i} did not go through stage {stageOf[i]}'s decoder");
        }

        model.train();
        var loss = model.forward(x, t).square().mean();
        loss.backward();
        foreach (var decoder in new nn.Module[] { model.Encoder, model.NearData, model.Middle, model.NearNoise })
            Assert.Contains(decoder.parameters(), p => p.grad is not null && p.grad.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void SingleStageBatchOnlyTouchesThatStagesDecoder()
    {
        using var scope = NewDisposeScope();
        using var model = new TinyMultistage();
        var before = model.Decoders.Select(d => d.SamplesSeen).ToArray();
        model.forward(randn(3, 1, 8, 8), tensor(new[] { 0.7f, 0.8f, 0.99f }));
        Assert.Equal(new long[] { 0, 0, 3 }, model.Decoders.Select((d, i) => d.SamplesSeen - before[i]).ToArray());
    }

    [Fact]
    public void GeneratedStageTableAndSettingsComeFromTheMsd()
    {
        Assert.Equal(new[] { "near_data", "middle", "near_noise" }, TinyMultistage.Table.Stages.Select(s => s.Name));
        Assert.Equal(0.442, TinyMultistage.Table.Stages[1].Start);
        Assert.Equal(1, TinyMultistage.Table.StageOf(0.5));
        Assert.Equal(8, TinyMultistageTrainer.Defaults.BatchSize);
        Assert.Equal(DiffusionDsl.Runtime.Training.StageSampling.Mixed, TinyMultistageTrainer.Defaults.StageSampling);
        Assert.Equal(DiffusionDsl.Runtime.Sampling.SolverKind.DpmSolver3, TinyMultistageSampler.Defaults.Solver);
        Assert.Equal(DiffusionDsl.Runtime.Sampling.SolverKind.EdmHeun, EdmFullFormSampler.Defaults.Solver);
        Assert.Equal(new DiffusionDsl.Runtime.Sampling.HeunChurn(40, 0.05, 50, 1.003), EdmFullFormSampler.Defaults.Churn);
        Assert.Equal(DiffusionDsl.Runtime.Sampling.HeunChurn.None, TinyMultistageSampler.Defaults.Churn);
        Assert.Null(TinyMultistageSampler.Defaults.EndTime);
        Assert.Equal(0.002, DiffusionDsl.Generator.Tests.Models.CosineDataSampler.Defaults.EndTime);
    }
}
