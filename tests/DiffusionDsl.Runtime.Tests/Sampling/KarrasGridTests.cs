using System;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Tests.Support;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Sampling;

/// <summary>
/// EDM's samplers step on sigma_i = (sigma_max^(1/rho) + i/(n-1) (sigma_min^(1/rho) - sigma_max^(1/rho)))^rho (Eq. 5) with
/// the rho of the model's edm(...) schedule, as EDM's edm_sampler takes the rho it is given: uniform steps in the
/// schedule's t. They stepped with rho 7 whatever the schedule said (80, 57.6, ... for rho 3, not 80, 67.1, ...).
/// </summary>
public class KarrasGridTests
{
    [Theory]
    [InlineData(SolverKind.EdmHeun, 3.0)]
    [InlineData(SolverKind.Euler, 3.0)]
    [InlineData(SolverKind.EdmHeun, 7.0)]
    public void TheEdmSolversStepOnTheSchedulesOwnRho(SolverKind solver, double rho)
    {
        var schedule = new EdmSchedule(rho: rho);
        var sampler = new MultistageSampler(new GaussianOracleModel(schedule, PredictionTarget.Edm, zeros(1, 2, 2), ones(1, 2, 2)), schedule,
                                            PredictionTarget.Edm, new SampleOptions { Solver = solver, Steps = 18, Seed = 1 });
        using var images = sampler.Sample(1, 1, 2, 2);
        var grid = sampler.Solver.Grid;
        int n = grid.Count - 1; // the noisy points, then the clean one
        Assert.Equal(0.0, grid[^1].Sigma);
        double rootMax = Math.Pow(80, 1 / rho), rootMin = Math.Pow(0.002, 1 / rho);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(Math.Pow(rootMax + i / (n - 1.0) * (rootMin - rootMax), rho), grid[i].Sigma, 1e-9 * grid[i].Sigma);
            Assert.Equal(1.0 - i / (n - 1.0), grid[i].T, 1e-12);
        }
        if (rho == 3.0) Assert.Equal(67.06, grid[1].Sigma, 0.01);
    }

    [Fact]
    public void OtherSchedulesKeepEdmsRhoOf7()
    {
        var schedule = new VpSchedule();
        var grid = DiffusionDsl.Runtime.Sampling.Solvers.TimeGrids.KarrasSigma(schedule, 5, 1e-3);
        double rootMax = Math.Pow(schedule.Sigma(1.0), 1 / 7.0), rootMin = Math.Pow(schedule.Sigma(1e-3), 1 / 7.0);
        Assert.Equal(Math.Pow(rootMax + 0.25 * (rootMin - rootMax), 7), grid[1].Sigma, 1e-9);
    }
}
