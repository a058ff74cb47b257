using System;
using System.Linq;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Runtime.Training;
using TorchSharp;

namespace DiffusionDsl.Runtime.Tests.Training;

public class TrainingTimeSamplerTests
{
    private static int[] StageHistogram(INoiseSchedule schedule, Staging.StageTable stages, StageSampling policy, int batches, int batchSize)
    {
        var sampler = new TrainingTimeSampler(schedule, stages, policy);
        var g = new torch.Generator(1);
        var counts = new int[stages.Count];
        for (int b = 0; b < batches; b++)
        {
            var stage = stages.StageOf(sampler.Sample(batchSize, g)).data<long>().ToArray();
            if (policy != StageSampling.Mixed) Assert.True(stage.All(s => s == stage[0]), "a single-stage batch mixed stages");
            foreach (var s in stage) counts[s]++;
        }
        return counts;
    }

    [Fact]
    public void UniformStagePicksEachStageAboutEquallyOften()
    {
        var counts = StageHistogram(new VpSchedule(), TinyMultistageModel.ThreeStages(), StageSampling.UniformStage, 3000, 1);
        Assert.All(counts, c => Assert.InRange(c, 900, 1100));
    }

    [Fact]
    public void ScheduleProportionalFollowsEdmsLognormalOdds()
    {
        var edm = new EdmSchedule();
        var stages = TinyMultistageModel.ThreeStages(edm.TimeOfSigma(2.5103), edm.TimeOfSigma(7.6577));
        var counts = StageHistogram(edm, stages, StageSampling.ScheduleProportional, 20000, 1);
        Assert.InRange(counts[0] / 20000.0, 0.955, 0.967);
        Assert.InRange(counts[1] / 20000.0, 0.030, 0.040);
        Assert.InRange(counts[2] / 20000.0, 0.0015, 0.0060);
    }

    /// <summary>
    /// With groups, each group of the batch draws its own stage at the policy's odds, as the reference's GPUs each draw
    /// theirs (EDMMultistageLoss per rank); with one group, the whole batch shares one.
    /// </summary>
    [Fact]
    public void StageGroupsEachDrawTheirOwnStageAtEdmsOdds()
    {
        var edm = new EdmSchedule();
        var stages = TinyMultistageModel.ThreeStages(edm.TimeOfSigma(2.5103), edm.TimeOfSigma(7.6577));
        var sampler = new TrainingTimeSampler(edm, stages, StageSampling.ScheduleProportional, groups: 4);
        Assert.Equal(4, sampler.Groups);
        var g = new torch.Generator(5);
        var counts = new int[3];
        int mixedBatches = 0;
        const int batches = 5000;
        for (int b = 0; b < batches; b++)
        {
            var stage = stages.StageOf(sampler.Sample(8, g)).data<long>().ToArray();
            for (int k = 0; k < 4; k++)
            {
                Assert.Equal(stage[2 * k], stage[2 * k + 1]);
                counts[stage[2 * k]]++;
            }
            if (stage.Distinct().Count() > 1) mixedBatches++;
        }
        Assert.InRange(counts[0] / (4.0 * batches), 0.955, 0.967);
        Assert.InRange(counts[1] / (4.0 * batches), 0.030, 0.040);
        // Four draws per batch: a batch mixes stages with probability 1 - (0.961^4 + 0.035^4 + ...), about 15%.
        Assert.InRange(mixedBatches / (double)batches, 0.12, 0.165);
        Assert.Throws<ArgumentException>(() => sampler.Sample(6, g));
        Assert.Throws<ArgumentException>(() => new TrainingTimeSampler(edm, stages, StageSampling.Mixed, groups: 2));
    }

    /// <summary>
    /// The stage odds a step's expected cost is planned from follow the policy (a reviewer found the comparisons' planner
    /// would have charged a uniform-stage run the proportional odds).
    /// </summary>
    [Fact]
    public void StageOddsFollowThePolicy()
    {
        var vp = new VpSchedule();
        var stages = TinyMultistageModel.ThreeStages();
        Assert.All(new TrainingTimeSampler(vp, stages, StageSampling.UniformStage).StageOdds(), p => Assert.Equal(1.0 / 3, p, 12));
        var proportional = new TrainingTimeSampler(vp, stages, StageSampling.ScheduleProportional).StageOdds();
        var mixed = new TrainingTimeSampler(vp, stages, StageSampling.Mixed).StageOdds();
        Assert.Equal(proportional, mixed);
        Assert.Equal(1.0, proportional.Sum(), 12);
        // VP's training times are uniform on [1e-5, 1]: each stage's share is its length in t.
        for (int k = 0; k < 3; k++)
            Assert.Equal((stages.Stages[k].End - Math.Max(stages.Stages[k].Start, 1e-5)) / (1 - 1e-5), proportional[k], 12);
    }

    [Fact]
    public void MixedBatchesSpanStagesAndStayInsideTheScheduleRange()
    {
        var vp = new VpSchedule();
        var sampler = new TrainingTimeSampler(vp, TinyMultistageModel.ThreeStages(), StageSampling.Mixed);
        var t = sampler.Sample(512, new torch.Generator(3)).data<double>().ToArray();
        Assert.All(t, v => Assert.InRange(v, vp.TrainingMinTime, 1.0));
        Assert.Equal(3, TinyMultistageModel.ThreeStages().StageOf(torch.tensor(t)).unique().Item1.shape[0]);
    }

    /// <summary>
    /// score_sde's loss draws t from [1e-5, 1] (losses.py's eps), below the 1e-3 where its sampling ends: so does VP
    /// training here, in every policy, while the solvers still end at MinTime.
    /// </summary>
    [Theory]
    [InlineData(StageSampling.UniformStage)]
    [InlineData(StageSampling.Mixed)]
    public void VpTrainingDrawsTimesDownToScoreSdesEps(StageSampling policy)
    {
        var vp = new VpSchedule();
        Assert.Equal((1e-5, 1e-3), (vp.TrainingMinTime, vp.MinTime));
        var sampler = new TrainingTimeSampler(vp, TinyMultistageModel.ThreeStages(), policy);
        var generator = new torch.Generator(5);
        var t = Enumerable.Range(0, 600).SelectMany(_ => sampler.Sample(100, generator).data<double>().ToArray()).ToArray();
        Assert.All(t, v => Assert.InRange(v, 1e-5, 1.0));
        // About 0.1% of 60,000 draws fall below 1e-3 (0.2% of those in the first stage, [0, 0.44)), which 1e-3 gave none.
        int below = t.Count(v => v < 1e-3);
        Assert.InRange(below, 10, 300);
    }

    /// <summary>score_sde's models/ema.py: the update after k steps is its (k+1)-th, decayed by min(decay, (1 + n) / (10 + n)), n = k + 1.</summary>
    [Fact]
    public void EmaDecayWarmsUpAsScoreSdeCountsUpdates()
    {
        using var ema = new ParameterEma(torch.nn.Linear(2, 2), decay: 0.9999, warmupSteps: 1000);
        Assert.Equal(2.0 / 11.0, ema.DecayAt(0), 12);
        Assert.Equal(0.5, ema.DecayAt(7), 12);
        Assert.Equal(0.9999, ema.DecayAt(1000), 12);
    }

    /// <summary>
    /// EDM's training_loop.py with its defaults (half-life 500 kimg, ramp-up 0.05, batch 512): the decay of the update
    /// after k steps is 0.5 ** (512 / max(min(500_000, k * 512 * 0.05), 1e-8)), evaluated here in Python's own terms.
    /// </summary>
    [Fact]
    public void EmaHalfLifeDecaysAsEdmsTrainingLoop()
    {
        using var ema = new ParameterEma(torch.nn.Linear(2, 2), decay: 0.9999, warmupSteps: 0, new EmaHalfLife(500_000, 0.05, 512));
        Assert.Equal(0.0, ema.DecayAt(0), 12);                                // cur_nimg 0: no average yet
        Assert.Equal(Math.Pow(0.5, 512 / (10 * 512 * 0.05)), ema.DecayAt(10), 12);
        Assert.Equal(Math.Pow(0.5, 512 / 500_000.0), ema.DecayAt(1_000_000), 12); // past the ramp: 0.99929...
        Assert.Equal(0.999290, ema.DecayAt(1_000_000), 6);
        using var plain = new ParameterEma(torch.nn.Linear(2, 2), decay: 0.9999, warmupSteps: 0, new EmaHalfLife(500_000, 0, 512));
        Assert.Equal(Math.Pow(0.5, 512 / 500_000.0), plain.DecayAt(0), 12);       // no ramp-up: the half-life from the start
    }

    /// <summary>score_sde's optimize_fn and EDM's lr ramp both take the step count before the step: the first step's rate is 0.</summary>
    [Fact]
    public void TheLearningRateWarmsUpFromZeroAsTheReferencesDo()
    {
        Assert.Equal(0.0, WarmupLearningRate.At(0, 1e-3, 100));
        Assert.Equal(0.5e-3, WarmupLearningRate.At(50, 1e-3, 100), 15);
        Assert.Equal(1e-3, WarmupLearningRate.At(100, 1e-3, 100));
        Assert.Equal(1e-3, WarmupLearningRate.At(0, 1e-3, 0));
    }

    /// <summary>
    /// EDM's training_loop.py: lr = base x min(cur_nimg / max(lr_rampup_kimg x 1000, 1e-8), 1), cur_nimg counting the
    /// images before the step. With warmup_kimg the rate follows the images, whatever the batch; without it, the steps.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(512_000)]
    [InlineData(9_999_872)]
    [InlineData(10_000_000)]
    [InlineData(10_000_384)]
    [InlineData(5_120_128)]
    public void WarmupKimgRampsTheRateOverImagesAsEdmDoes(long imagesBefore)
    {
        const double lr = 1e-3, rampKimg = 10_000;
        double edm = lr * Math.Min(imagesBefore / Math.Max(rampKimg * 1000, 1e-8), 1);
        var options = new TrainOptions { BatchSize = 512, LearningRate = lr, WarmupKimg = rampKimg };
        Assert.Equal(edm, WarmupLearningRate.For(options, stepsBefore: 3, imagesBefore), 15);
        Assert.Equal(WarmupLearningRate.At(3, lr, 7), WarmupLearningRate.For(options with { WarmupKimg = null, WarmupSteps = 7 }, 3, imagesBefore));
        Assert.Equal(lr, WarmupLearningRate.For(options with { WarmupKimg = 0 }, 0, 0)); // 0: no warm-up
    }
}
