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

    [Fact]
    public void MixedBatchesSpanStagesAndStayInsideTheScheduleRange()
    {
        var vp = new VpSchedule();
        var sampler = new TrainingTimeSampler(vp, TinyMultistageModel.ThreeStages(), StageSampling.Mixed);
        var t = sampler.Sample(512, new torch.Generator(3)).data<double>().ToArray();
        Assert.All(t, v => Assert.InRange(v, vp.MinTime, 1.0));
        Assert.Equal(3, TinyMultistageModel.ThreeStages().StageOf(torch.tensor(t)).unique().Item1.shape[0]);
    }

    [Fact]
    public void EmaDecayWarmsUp()
    {
        using var ema = new ParameterEma(torch.nn.Linear(2, 2), decay: 0.9999, warmupSteps: 1000);
        Assert.Equal(0.1, ema.DecayAt(0), 12);
        Assert.Equal(0.5, ema.DecayAt(8), 12);
        Assert.Equal(0.9999, ema.DecayAt(1000), 12);
    }
}
