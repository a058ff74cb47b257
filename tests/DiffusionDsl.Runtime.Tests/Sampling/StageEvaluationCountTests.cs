using System.Linq;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Staging;
using DiffusionDsl.Runtime.Tests.Support;

namespace DiffusionDsl.Runtime.Tests.Sampling;

public class StageEvaluationCountTests
{
    private static StageTable ThreeStages(double t1, double t2) =>
        new(new[] { new StageInfo("data", 0, t1), new StageInfo("middle", t1, t2), new StageInfo("noise", t2, 1) });

    private static int[] Counts(INoiseSchedule schedule, PredictionTarget target, StageTable stages, SolverKind kind, int steps, double? endTime = null)
    {
        var model = new GaussianOracleModel(schedule, target, GaussianData.Mean(), GaussianData.Variance(), stages);
        var sampler = new MultistageSampler(model, schedule, target, new SampleOptions { Solver = kind, Steps = steps, EndTime = endTime });
        sampler.Sample(4, 1, 2, 2);
        return sampler.EvaluationsPerStage.ToArray();
    }

    [Fact]
    public void DpmSolver3With20EvaluationsSplits12_2_6AsInThePaper()
    {
        // DPM-Solver's CIFAR-10 score_sde setting ends at t = 1e-4; ending at 1e-3 would give 11 / 2 / 7.
        var vp = new VpSchedule(betaMin: 0.1, betaMax: 20.0);
        var stages = ThreeStages(0.4420, 0.6308);
        Assert.Equal(new[] { 12, 2, 6 }, Counts(vp, PredictionTarget.Eps, stages, SolverKind.DpmSolver3, 20, endTime: 1e-4));
        Assert.Equal(new[] { 11, 2, 7 }, Counts(vp, PredictionTarget.Eps, stages, SolverKind.DpmSolver3, 20));
    }

    [Fact]
    public void EdmHeunWith18StepsSplits18_4_13AsInThePaper()
    {
        var edm = new EdmSchedule();
        var stages = ThreeStages(edm.TimeOfSigma(2.5103), edm.TimeOfSigma(7.6577));
        Assert.Equal(new[] { 18, 4, 13 }, Counts(edm, PredictionTarget.Edm, stages, SolverKind.EdmHeun, 18));
    }

    [Fact]
    public void SamplerRepeatsItselfForTheSameSeedAndDiffersForAnother()
    {
        var schedule = new VpSchedule();
        var model = new GaussianOracleModel(schedule, PredictionTarget.Eps, GaussianData.Mean(), GaussianData.Variance());
        var sampler = new MultistageSampler(model, schedule, PredictionTarget.Eps, new SampleOptions { Solver = SolverKind.DdpmAncestral, Steps = 50, Seed = 9, BatchSize = 3 });
        var first = sampler.Sample(7, 1, 2, 2);
        var again = sampler.Sample(7, 1, 2, 2);
        var other = sampler.Sample(7, 1, 2, 2, seed: 10);
        Assert.Equal(new long[] { 7, 1, 2, 2 }, first.shape);
        Assert.True(first.allclose(again, rtol: 0, atol: 0));
        Assert.False(first.allclose(other));
    }
}
