using System;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Runtime.Training;
using DiffusionDsl.Tests.Shared;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Training;

/// <summary>
/// EDM's training loop backpropagates each sample's squared error summed over its pixels (loss.py returns the per-pixel
/// loss; training_loop.py calls loss.sum() x loss_scaling / batch_gpu_total), score_sde's multistage config their mean
/// (reduce_mean = True). Adam sees the difference only through its eps, so it matters where gradients are small.
/// </summary>
public sealed class LossReductionTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();
    public void Dispose() => _scratch.Dispose();

    private TrainOptions Options(string run, LossReduction? reduction, int steps = 4) => new()
    {
        BatchSize = 4, LearningRate = 1e-3, WarmupSteps = 0, GradClip = 0, Steps = steps, CheckpointEvery = 2, KeepCheckpoints = 5, CheckpointAtEnd = false, Seed = 3,
        LossReduction = reduction, OutputDirectory = Path.Combine(_scratch.Path, run),
    };

    [Fact]
    public void TheReductionFollowsThePreconditioningsCodebase()
    {
        Assert.Equal(LossReduction.Sum, LossReductions.For(PredictionTarget.Edm));
        Assert.All(new[] { PredictionTarget.Eps, PredictionTarget.X0, PredictionTarget.V }, target => Assert.Equal(LossReduction.Mean, LossReductions.For(target)));
    }

    /// <summary>Also when clipped: `clip` bounds the per-pixel mean's gradient (1e-4 clips every step here), whatever the reduction.</summary>
    [Theory]
    [InlineData(0.0)]
    [InlineData(1e-4)]
    public void TheSumsGradientIsThePixelCountTimesTheMeans(double clip)
    {
        Tensor[] Gradients(LossReduction reduction, out double loss)
        {
            random.manual_seed(1);
            using var model = new SmallUNet(SmallUNet.Encoder());
            using var trainer = new MultistageTrainer(model, model.Schedule, PredictionTarget.Eps,
                                                      Options($"{reduction}-{clip}", reduction) with { GradClip = clip });
            trainer.TrainStep(TinyData.Source(), out loss);
            return trainer.Parameters.Where(p => p.grad is not null).Select(p => p.grad!.detach().clone()).ToArray();
        }
        var mean = Gradients(LossReduction.Mean, out double meanLoss);
        var sum = Gradients(LossReduction.Sum, out double sumLoss);
        int pixels = 1 * 8 * 8;

        Assert.Equal(meanLoss, sumLoss, 12); // what is logged is the per-pixel mean either way
        if (clip > 0)
        {
            double norm = Math.Sqrt(mean.Sum(g => g.square().sum().item<float>()));
            Assert.InRange(norm, 0.99 * clip, 1.0001 * clip); // it clipped
        }
        Assert.Equal(mean.Length, sum.Length);
        for (int i = 0; i < mean.Length; i++) Assert.True((mean[i] * pixels).allclose(sum[i], rtol: 1e-5, atol: 1e-9), $"gradient {i}: {(mean[i] * pixels - sum[i]).abs().max().item<float>()} of {sum[i].abs().max().item<float>()}");
    }

    [Fact]
    public void ResumingAMeanRunUnderTheSumScalesAdamsMomentsWithTheGradient()
    {
        // The first resumed step starts from the same weights and draws under either reduction, so its gradients differ
        // by the pixel count exactly; rescaled moments then differ by it too (the second by its square). Weights would
        // not show it: the reduction changes Adam's steps through eps (on this model noticeably so).
        random.manual_seed(2);
        string checkpoint;
        using (var model = new SmallUNet(SmallUNet.Encoder()))
        using (var trainer = new MultistageTrainer(model, model.Schedule, PredictionTarget.Eps, Options("mean", LossReduction.Mean, steps: 2)))
            checkpoint = trainer.Train(TinyData.Source()).LastCheckpoint!;

        (Tensor First, Tensor Second)[] FirstStepResumedUnder(LossReduction reduction)
        {
            random.manual_seed(9);
            using var model = new SmallUNet(SmallUNet.Encoder());
            using var trainer = new MultistageTrainer(model, model.Schedule, PredictionTarget.Eps, Options($"resumed-{reduction}", reduction));
            trainer.LoadCheckpoint(checkpoint);
            trainer.TrainStep(TinyData.Source(), out _);
            return trainer.Optimizer.state_dict().State.Cast<AdamW.State>().Select(s => (s.exp_avg.clone(), s.exp_avg_sq.clone())).ToArray();
        }
        var mean = FirstStepResumedUnder(LossReduction.Mean);
        var sum = FirstStepResumedUnder(LossReduction.Sum);
        const double pixels = 1 * 8 * 8;
        for (int i = 0; i < mean.Length; i++)
        {
            Assert.True((mean[i].First * pixels).allclose(sum[i].First, rtol: 1e-4, atol: 1e-12), $"first moment {i}");
            Assert.True((mean[i].Second * (pixels * pixels)).allclose(sum[i].Second, rtol: 1e-4, atol: 1e-16), $"second moment {i}");
        }
    }
}
