using System;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Tests.Support;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Sampling;

/// <summary>SampleOptions.EndTime, the .msd's sample end_time: where a vp or cosine model's sampling stops.</summary>
public class EndTimeTests
{
    private static MultistageSampler Sampler(INoiseSchedule schedule, PredictionTarget target, double? endTime) =>
        new(new GaussianOracleModel(schedule, target, zeros(1, 2, 2), ones(1, 2, 2)), schedule, target,
            new SampleOptions { Steps = 20, Seed = 1, EndTime = endTime });

    [Fact]
    public void TheSolversGridStopsAtTheEndTime()
    {
        var schedule = new VpSchedule();
        var sampler = Sampler(schedule, PredictionTarget.Eps, 1e-4);
        using var images = sampler.Sample(2, 1, 2, 2);
        Assert.Equal(1e-4, sampler.Solver.Grid[^1].T, 15);
        var byDefault = Sampler(schedule, PredictionTarget.Eps, null);
        using var defaultImages = byDefault.Sample(2, 1, 2, 2);
        Assert.Equal(1e-3, byDefault.Solver.Grid[^1].T, 15);
    }

    [Fact]
    public void TheEdmScheduleTakesNoEndTime()
    {
        var error = Assert.Throws<ArgumentException>(() => Sampler(new EdmSchedule(), PredictionTarget.Edm, 1e-4));
        Assert.Contains("sets where a vp, cosine or ddpm schedule's sampling stops", error.Message);
    }

    [Theory]
    [InlineData(0.0, "EndTime must be in (0, 0.1]")]
    [InlineData(0.2, "EndTime must be in (0, 0.1]")]
    [InlineData(1e-6, "below t = 1E-05, where training starts")]
    public void AnEndTimeOutsideWhereTheModelWasTrainedIsRefused(double endTime, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => Sampler(new VpSchedule(), PredictionTarget.Eps, endTime));
        Assert.Contains(message, error.Message);
    }
}
