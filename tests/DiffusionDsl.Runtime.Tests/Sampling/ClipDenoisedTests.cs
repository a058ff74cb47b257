using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Tests.Support;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Sampling;

public class ClipDenoisedTests
{
    private static Tensor Sample(SolverKind solver, bool clip, float variance = 4.0f)
    {
        var schedule = new VpSchedule(betaMin: 0.1, betaMax: 20.0);
        var model = new GaussianOracleModel(schedule, PredictionTarget.Eps, zeros(1, 2, 2), full(new long[] { 1, 2, 2 }, variance));
        var sampler = new MultistageSampler(model, schedule, PredictionTarget.Eps, new SampleOptions { Solver = solver, Steps = 20, Seed = 1, ClipDenoised = clip });
        return sampler.Sample(500, 1, 2, 2);
    }

    [Theory]
    [InlineData(SolverKind.DpmSolver3)]
    [InlineData(SolverKind.DpmSolverPlusPlus2M)]
    [InlineData(SolverKind.Ddim)]
    [InlineData(SolverKind.DdpmAncestral)]
    [InlineData(SolverKind.EdmHeun)]
    public void ClippingKeepsSamplesInTheDataRange(SolverKind solver)
    {
        // Data with standard deviation 2: about 60% of exact samples fall outside [-1, 1].
        var free = Sample(solver, clip: false);
        var clipped = Sample(solver, clip: true);

        Assert.True(free.abs().max().item<float>() > 2.0f, "the exact model's samples should leave [-1, 1]");
        // DPM-Solver stops at EndTime, not at clean data: its output keeps noise of std sigma(1e-3) = 0.01 around a clipped estimate.
        float limit = solver is SolverKind.DpmSolver3 or SolverKind.DpmSolverPlusPlus2M ? 1.06f : 1.0f + 1e-4f;
        Assert.True(clipped.abs().max().item<float>() <= limit, $"max |x| {clipped.abs().max().item<float>()}");
    }

    [Theory]
    [InlineData(SolverKind.DpmSolver3)]
    [InlineData(SolverKind.DpmSolverPlusPlus2M)]
    [InlineData(SolverKind.Ddim)]
    [InlineData(SolverKind.EdmHeun)]
    public void EstimatesInsideTheRangeAreLeftAsTheyWere(SolverKind solver)
    {
        // Data with standard deviation 0.1: every clean estimate stays inside [-1, 1], so clipping may change
        // only the rounding of the recomputed noise estimate.
        var free = Sample(solver, clip: false, variance: 0.01f);
        var clipped = Sample(solver, clip: true, variance: 0.01f);
        Assert.True(free.allclose(clipped, rtol: 0, atol: 1e-4), $"max difference {(free - clipped).abs().max().item<float>()}");
    }
}
