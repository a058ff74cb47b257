using System.Linq;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Runtime.Training;
using TorchSharp;

namespace DiffusionDsl.Runtime.Tests.Training;

/// <summary>
/// A discrete DDPM schedule trains on its own steps, as DDPM and latent diffusion do (integer timesteps): inside the paper's
/// LDM stages [0, 442), [442, 631) and [631, 1000) in steps, each step of a stage equally often and no other time.
/// </summary>
public class DiscreteTrainingTimesTests
{
    private static readonly double[] LdmBoundaries = { 0.44244244244244246, 0.6316316316316316 }; // steps 442 and 631 of 1000, as the .msd writes them

    [Theory]
    [InlineData(StageSampling.UniformStage)]
    [InlineData(StageSampling.ScheduleProportional)]
    [InlineData(StageSampling.Mixed)]
    public void EveryDrawIsAStepAndEachStageCoversExactlyItsSteps(StageSampling policy)
    {
        var schedule = new DdpmLinearSchedule(0.0015, 0.0195, 1000, sqrtSpacedBetas: true);
        var stages = TinyMultistageModel.ThreeStages(LdmBoundaries[0], LdmBoundaries[1]);
        // 2,000 groups of 100, each group inside one stage under the one-stage policies.
        var sampler = new TrainingTimeSampler(schedule, stages, policy, groups: policy == StageSampling.Mixed ? 1 : 2000);
        var t = sampler.Sample(200_000, new torch.Generator(3));
        var steps = (t * 999.0).data<double>().ToArray();
        Assert.All(steps, n => Assert.Equal(System.Math.Round(n), n, 9));
        var stageOf = stages.StageOf(t).data<long>().ToArray();
        var ranges = Enumerable.Range(0, 3).Select(k => steps.Where((_, i) => stageOf[i] == k).Select(n => (int)System.Math.Round(n)).ToArray()).ToArray();
        Assert.Equal((0, 441), (ranges[0].Min(), ranges[0].Max()));
        Assert.Equal((442, 630), (ranges[1].Min(), ranges[1].Max()));
        Assert.Equal((631, 999), (ranges[2].Min(), ranges[2].Max()));
        // Inside a stage every step is about equally likely: stage 1's 189 steps each near 1/189 of its draws.
        var counts = ranges[1].GroupBy(n => n).Select(g => g.Count()).ToArray();
        Assert.Equal(189, counts.Length);
        Assert.InRange(counts.Max() / (double)counts.Min(), 1.0, 1.6);
    }

    /// <summary>Cyclic: group g of step s trains stage (s x groups + g) mod stages, each inside its own steps.</summary>
    [Theory]
    [InlineData(3, new[] { 0, 1, 2, 0, 1, 2, 0, 1, 2 })]
    [InlineData(1, new[] { 0, 1, 2 })]
    [InlineData(2, new[] { 0, 1, 2, 0, 1, 2 })]
    public void CyclicTrainsTheStagesInTurnOnePerGroup(int groups, int[] expected)
    {
        var schedule = new DdpmLinearSchedule(0.0015, 0.0195, 1000, sqrtSpacedBetas: true);
        var stages = TinyMultistageModel.ThreeStages(LdmBoundaries[0], LdmBoundaries[1]);
        var sampler = new TrainingTimeSampler(schedule, stages, StageSampling.Cyclic, groups);
        var generator = new torch.Generator(4);
        var seen = new System.Collections.Generic.List<int>();
        for (long step = 0; step < expected.Length / groups; step++)
        {
            var stageOf = stages.StageOf(sampler.Sample(4 * groups, generator, step: step)).data<long>().ToArray();
            for (int g = 0; g < groups; g++)
            {
                var group = stageOf.Skip(4 * g).Take(4).ToArray();
                Assert.All(group, k => Assert.Equal(group[0], k));
                seen.Add((int)group[0]);
            }
        }
        Assert.Equal(expected, seen);
        Assert.Equal(new[] { 1 / 3.0, 1 / 3.0, 1 / 3.0 }, sampler.StageOdds());
    }

    [Fact]
    public void TheStageOddsAreTheShareOfStepsInEachStage()
    {
        var schedule = new DdpmLinearSchedule(steps: 1000);
        var sampler = new TrainingTimeSampler(schedule, TinyMultistageModel.ThreeStages(LdmBoundaries[0], LdmBoundaries[1]), StageSampling.ScheduleProportional);
        Assert.Equal(new[] { 0.442, 0.189, 0.369 }, sampler.StageOdds().Select(p => System.Math.Round(p, 12)));
    }
}
