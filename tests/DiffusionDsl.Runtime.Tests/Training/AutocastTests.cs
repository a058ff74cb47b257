using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Blocks;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Networks;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Runtime.Training;
using DiffusionDsl.Tests.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Training;

/// <summary>
/// bf16 autocast through libtorch's own at::autocast entry points (TorchSharp 0.107 has none), on the CPU, where libtorch
/// autocasts to bf16 as on CUDA: what runs in bf16 inside a scope, that scopes nest and restore, and that training under
/// it keeps float32 parameters, gradients and EMA while following float32 training closely.
/// </summary>
public sealed class AutocastTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();
    public void Dispose() => _scratch.Dispose();

    private static readonly Device Cpu = new("cpu");

    [Fact]
    public void LibTorchOffersTheEntryPoints()
    {
        Assert.True(Autocast.IsAvailable, Autocast.Describe());
        Assert.Contains("libtorch_cpu", Autocast.Describe());
    }

    [Fact]
    public void InsideTheScopeMatrixProductsAndConvolutionsRunInBf16AndAfterItInFloat32()
    {
        var x = randn(4, 8);
        var w = randn(16, 8);
        var image = randn(2, 3, 8, 8);
        var kernel = randn(5, 3, 3, 3);
        Assert.False(Autocast.IsEnabled(Cpu));
        using (Autocast.Enter(Cpu))
        {
            Assert.True(Autocast.IsEnabled(Cpu));
            using var product = nn.functional.linear(x, w);
            using var convolved = nn.functional.conv2d(image, kernel, padding: new long[] { 1, 1 });
            Assert.Equal(ScalarType.BFloat16, product.dtype);
            Assert.Equal(ScalarType.BFloat16, convolved.dtype);
            // A float32 operand promotes: a bf16 output minus a float32 target is float32, as the loss needs.
            using var difference = product - randn(4, 16);
            Assert.Equal(ScalarType.Float32, difference.dtype);
        }
        Assert.False(Autocast.IsEnabled(Cpu));
        using var after = nn.functional.linear(x, w);
        Assert.Equal(ScalarType.Float32, after.dtype);
    }

    [Fact]
    public void AttentionWeightsAreFloat32UnderAutocastAsEdmsAttentionOpComputesThem()
    {
        random.manual_seed(4);
        // As the qkv convolution leaves them under autocast: bf16.
        using var q = (randn(2, 16, 64) * 3).to(ScalarType.BFloat16);
        using var k = (randn(2, 16, 64) * 3).to(ScalarType.BFloat16);
        using var exact = UNetBlock.AttentionWeights(q, k);
        using (Autocast.Enter(Cpu))
        {
            using var weights = UNetBlock.AttentionWeights(q, k);
            Assert.True(Autocast.IsEnabled(Cpu)); // suspended for the weights only
            Assert.Equal(ScalarType.Float32, weights.dtype);
            Assert.True(weights.allclose(exact, rtol: 1e-5, atol: 1e-7));

            // What the block computed before: the logits' product in bf16, visibly off.
            using var bf16 = einsum("ncq,nck->nqk", q, k / 4.0).softmax(2);
            Assert.Equal(ScalarType.BFloat16, bf16.dtype);
            Assert.True((bf16.to(ScalarType.Float32) - exact).abs().max().item<float>() > 1e-3);
        }
    }

    [Fact]
    public void NestedScopesRestoreTheStateTheyFound()
    {
        using (Autocast.Enter(Cpu))
        {
            using (Autocast.Enter(Cpu)) Assert.True(Autocast.IsEnabled(Cpu));
            Assert.True(Autocast.IsEnabled(Cpu));
            using var inner = nn.functional.linear(randn(2, 4), randn(3, 4));
            Assert.Equal(ScalarType.BFloat16, inner.dtype);
        }
        Assert.False(Autocast.IsEnabled(Cpu));
    }

    [Fact]
    public void AnInnerScopeOfAnotherDtypeGivesTheOuterOneBack()
    {
        using (Autocast.Enter(Cpu, ScalarType.Float16))
        {
            using (var half = nn.functional.linear(randn(2, 4), randn(3, 4))) Assert.Equal(ScalarType.Float16, half.dtype);
            using (Autocast.Enter(Cpu))
            using (var inner = nn.functional.linear(randn(2, 4), randn(3, 4)))
                Assert.Equal(ScalarType.BFloat16, inner.dtype);
            using var again = nn.functional.linear(randn(2, 4), randn(3, 4));
            Assert.Equal(ScalarType.Float16, again.dtype);
        }
        Assert.False(Autocast.IsEnabled(Cpu));
    }

    [Fact]
    public void DevicesLibTorchCannotAutocastAreRefusedBeforeLibTorchSeesThem()
    {
        var meta = new Device("meta");
        Assert.Contains("CPU or CUDA, not META", Assert.Throws<ArgumentException>(() => Autocast.Enter(meta)).Message);
        Assert.False(Autocast.IsEnabled(meta));
        Assert.Throws<ArgumentException>(() => MixedPrecisionPolicy.UsesBf16Autocast(MixedPrecision.BFloat16, meta));
        Assert.False(MixedPrecisionPolicy.UsesBf16Autocast(MixedPrecision.Auto, meta));
    }

    [Fact]
    public void AScopeEndsOnlyOnTheThreadThatEnteredIt()
    {
        var scope = Autocast.Enter(Cpu);
        Exception? elsewhere = null;
        var thread = new System.Threading.Thread(() => elsewhere = Record.Exception(scope.Dispose));
        thread.Start();
        thread.Join();
        Assert.IsType<InvalidOperationException>(elsewhere);
        Assert.True(Autocast.IsEnabled(Cpu));
        scope.Dispose();
        Assert.False(Autocast.IsEnabled(Cpu));
    }

    [Fact]
    public void AutoTrainsInFloat32OnTheCpuAndBf16IsTakenWhenAsked()
    {
        Assert.False(MixedPrecisionPolicy.UsesBf16Autocast(MixedPrecision.Auto, Cpu));
        Assert.False(MixedPrecisionPolicy.UsesBf16Autocast(MixedPrecision.Float32, Cpu));
        Assert.True(MixedPrecisionPolicy.UsesBf16Autocast(MixedPrecision.BFloat16, Cpu));
        Assert.Equal(MixedPrecision.BFloat16, MixedPrecisionPolicy.Parse("bf16"));
        Assert.Equal(MixedPrecision.Float32, MixedPrecisionPolicy.Parse(" FP32"));
        Assert.Equal(MixedPrecision.Auto, MixedPrecisionPolicy.Parse("auto"));
        Assert.Contains("auto, fp32 or bf16", Assert.Throws<FormatException>(() => MixedPrecisionPolicy.Parse("fp16")).Message);
    }

    /// <summary>
    /// Float32 is the reference's arithmetic: as EDM's training loop, TF32 is off for CUDA's kernels, while a step runs
    /// (the switches are the process's); the values found are put back, so no later trainer or caller inherits them.
    /// </summary>
    [Fact]
    public void Float32StepsTurnOffTf32AsEdmsTrainingLoopDoesAndPutTheSwitchesBack()
    {
        torch.backends.cudnn.allow_tf32 = true;
        torch.backends.cuda.matmul.allow_tf32 = true;
        using (MixedPrecisionPolicy.StrictFloat32())
        {
            Assert.False(torch.backends.cudnn.allow_tf32);
            Assert.False(torch.backends.cuda.matmul.allow_tf32);
        }
        Assert.True(torch.backends.cudnn.allow_tf32 && torch.backends.cuda.matmul.allow_tf32);

        // The trainer draws each step's times from its schedule: a schedule that notes the switches then sees them mid-step.
        var schedule = new SwitchWatchingSchedule();
        torch.random.manual_seed(5);
        using var model = new SmallUNet();
        using var trainer = new MultistageTrainer(model, schedule, PredictionTarget.Eps, new TrainOptions
        {
            BatchSize = 4, Steps = 2, CheckpointEvery = 0, CheckpointAtEnd = false, Precision = MixedPrecision.Float32, Device = "cpu",
            OutputDirectory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tf32-" + Guid.NewGuid().ToString("N")),
        });
        trainer.Train(TinyData.Source());
        Assert.Equal(new[] { false, false }, schedule.Tf32Seen);
        Assert.True(torch.backends.cudnn.allow_tf32 && torch.backends.cuda.matmul.allow_tf32);
        torch.backends.cuda.matmul.allow_tf32 = false; // libtorch's default
    }

    /// <summary>For both block families: NCSN++'s FIR resampling and input pyramid run under autocast too.</summary>
    [Theory]
    [InlineData(EncoderFamily.Ddpmpp)]
    [InlineData(EncoderFamily.Ncsnpp)]
    public void Bf16TrainingKeepsFloat32StateAndFollowsFloat32Training(EncoderFamily family)
    {
        var (fp32Losses, fp32Weights, fp32Trainer) = Train(MixedPrecision.Float32, family);
        fp32Trainer.Dispose();
        var (bf16Losses, bf16Weights, trainer) = Train(MixedPrecision.BFloat16, family);
        using (trainer)
        {
            Assert.True(trainer.UsesBf16Autocast);
            Assert.All(trainer.Model.Module.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
            Assert.All(trainer.Model.Module.parameters().Where(p => p.grad is not null), p => Assert.Equal(ScalarType.Float32, p.grad!.dtype));
            Assert.All(trainer.Ema.State, e => Assert.Equal(ScalarType.Float32, e.Value.dtype));
        }
        Assert.False(Autocast.IsEnabled(Cpu));
        // bf16 keeps 8 bits of mantissa: the steps differ from float32's, but only by rounding.
        Assert.All(bf16Losses, l => Assert.True(double.IsFinite(l)));
        for (int i = 0; i < fp32Losses.Length; i++)
            Assert.True(Math.Abs(bf16Losses[i] - fp32Losses[i]) <= 0.05 * fp32Losses[i], $"step {i + 1}: bf16 loss {bf16Losses[i]}, float32 {fp32Losses[i]}");
        Assert.True(fp32Losses.Zip(bf16Losses).Any(p => p.First != p.Second), "autocast changed nothing: the forward pass did not run in bf16");
        double largest = fp32Weights.Max(w => w.abs().max().item<float>());
        double apart = fp32Weights.Zip(bf16Weights).Max(p => (p.First - p.Second).abs().max().item<float>());
        Assert.InRange(apart / largest, 1e-6, 0.05);
    }

    private (double[] Losses, Tensor[] Weights, MultistageTrainer Trainer) Train(MixedPrecision precision, EncoderFamily family = EncoderFamily.Ddpmpp)
    {
        torch.random.manual_seed(5);
        var model = new SmallUNet(SmallUNet.Encoder(family: family));
        var trainer = new MultistageTrainer(model, model.Schedule, PredictionTarget.Eps, new TrainOptions
        {
            BatchSize = 8, LearningRate = 2e-3, GradClip = 1.0, Steps = 4, CheckpointEvery = 0, Seed = 9, Device = "cpu",
            Precision = precision, OutputDirectory = Path.Combine(_scratch.Path, $"{precision}-{family}"),
        });
        var data = TinyData.Source();
        var losses = Enumerable.Range(0, 4).Select(_ => { trainer.TrainStep(data, out double loss); return loss; }).ToArray();
        var weights = model.parameters().Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();
        return (losses, weights, trainer);
    }

    /// <summary>VP, noting whether either TF32 switch is on each time training times are drawn.</summary>
    private sealed class SwitchWatchingSchedule : INoiseSchedule
    {
        private readonly VpSchedule _vp = new();
        public List<bool> Tf32Seen { get; } = new();
        public double Scale(double t) => _vp.Scale(t);
        public double Sigma(double t) => _vp.Sigma(t);
        public double TimeOfSigma(double sigma) => _vp.TimeOfSigma(sigma);
        public double NoiseLabel(double t) => _vp.NoiseLabel(t);
        public double MinTime => _vp.MinTime;
        public Tensor TrainingQuantiles(Tensor p)
        {
            Tf32Seen.Add(torch.backends.cudnn.allow_tf32 || torch.backends.cuda.matmul.allow_tf32);
            return ((INoiseSchedule)_vp).TrainingQuantiles(p);
        }
    }
}
