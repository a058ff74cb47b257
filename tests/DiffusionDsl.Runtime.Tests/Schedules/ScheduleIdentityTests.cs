using System;
using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Runtime.Schedules;

namespace DiffusionDsl.Runtime.Tests.Schedules;

public class ScheduleIdentityTests
{
    public static IEnumerable<object[]> AllSchedules() => new[]
    {
        new object[] { "vp", new VpSchedule(betaMin: 0.1, betaMax: 20.0) },
        new object[] { "ddpm", new DdpmLinearSchedule(betaStart: 1e-4, betaEnd: 0.02, steps: 1000) },
        new object[] { "cosine", new CosineSchedule() },
        new object[] { "edm", new EdmSchedule(sigmaMin: 0.002, sigmaMax: 80, rho: 7, pMean: -1.2, pStd: 1.2, sigmaData: 0.5) },
    };

    private static IEnumerable<double> Grid() => Enumerable.Range(0, 101).Select(i => i / 100.0);

    [Theory]
    [MemberData(nameof(AllSchedules))]
    public void TimeToSigmaToTimeRoundTrips(string name, INoiseSchedule schedule)
    {
        foreach (var t in Grid().Where(t => t >= schedule.MinTime))
            Assert.True(Math.Abs(schedule.TimeOfSigma(schedule.Sigma(t)) - t) < 1e-9, $"{name}: t={t} round trips to {schedule.TimeOfSigma(schedule.Sigma(t))}");
    }

    [Theory]
    [MemberData(nameof(AllSchedules))]
    public void SigmaRisesAndLogSnrFallsWithTime(string name, INoiseSchedule schedule)
    {
        var ts = Grid().Where(t => t >= schedule.MinTime).ToArray();
        for (int i = 1; i < ts.Length; i++)
        {
            Assert.True(schedule.Sigma(ts[i]) > schedule.Sigma(ts[i - 1]), $"{name}: sigma not increasing at t={ts[i]}");
            Assert.True(schedule.LogSnr(ts[i]) < schedule.LogSnr(ts[i - 1]), $"{name}: log-SNR not decreasing at t={ts[i]}");
            Assert.Equal(ts[i], schedule.TimeOfLogSnr(schedule.LogSnr(ts[i])), 9);
        }
    }

    [Theory]
    [InlineData("vp")]
    [InlineData("ddpm")]
    [InlineData("cosine")]
    public void VariancePreservingSchedulesKeepUnitVariance(string name)
    {
        var schedule = (INoiseSchedule)AllSchedules().Single(row => (string)row[0] == name)[1];
        foreach (var t in Grid())
        {
            double s = schedule.Scale(t), sigma = schedule.Sigma(t);
            Assert.Equal(1.0, s * s * (1 + sigma * sigma), 12);
        }
    }

    [Fact]
    public void VpEndsMatchScoreSde()
    {
        var vp = new VpSchedule(betaMin: 0.1, betaMax: 20.0);
        Assert.Equal(1.0, vp.Scale(0), 15);
        Assert.Equal(0.0, vp.Sigma(0), 15);
        // log s_1 = -(20 - 0.1)/4 - 0.1/2 = -5.025
        Assert.Equal(Math.Exp(-5.025), vp.Scale(1), 12);
        Assert.Equal(Math.Sqrt(Math.Exp(10.05) - 1), vp.Sigma(1), 9);
        Assert.Equal(999.0, vp.NoiseLabel(1), 12);
    }

    [Fact]
    public void DdpmMatchesCumulativeProductOfBetasAtEveryStep()
    {
        var ddpm = new DdpmLinearSchedule(betaStart: 1e-4, betaEnd: 0.02, steps: 1000);
        double alphaBar = 1;
        for (int n = 0; n < 1000; n++)
        {
            alphaBar *= 1 - (1e-4 + (0.02 - 1e-4) * n / 999.0);
            double t = n / 999.0;
            Assert.Equal(alphaBar, Math.Pow(ddpm.Scale(t), 2), 12);
            Assert.Equal(n, ddpm.NoiseLabel(t), 9);
        }
        Assert.InRange(Math.Pow(ddpm.Scale(1), 2), 4.0e-5, 4.1e-5);
    }

    [Fact]
    public void CosineStartsAtDataAndEndsNearDpmSolversBound()
    {
        var cosine = new CosineSchedule();
        Assert.Equal(1.0, cosine.Scale(0), 15);
        Assert.Equal(0.0, cosine.Sigma(0), 12);
        Assert.InRange(cosine.Sigma(1), 100, 140);
    }

    [Fact]
    public void EdmEndsAreSigmaMinAndSigmaMaxWithUnitScale()
    {
        var edm = new EdmSchedule(sigmaMin: 0.002, sigmaMax: 80, rho: 7, pMean: -1.2, pStd: 1.2, sigmaData: 0.5);
        Assert.Equal(0.002, edm.Sigma(0), 12);
        Assert.Equal(80.0, edm.Sigma(1), 9);
        Assert.Equal(1.0, edm.Scale(0.3));
        Assert.Equal(Math.Log(80) / 4, edm.NoiseLabel(1), 12);
    }

    [Fact]
    public void EdmTrainingDistributionGivesThePapersStageOdds()
    {
        // Paper: sigma boundaries 2.5103 and 7.6577 under ln sigma ~ N(-1.2, 1.2^2) give 96.1% / 3.5% / 0.35%.
        var edm = new EdmSchedule();
        double c1 = ((INoiseSchedule)edm).TrainingCdf(edm.TimeOfSigma(2.5103));
        double c2 = ((INoiseSchedule)edm).TrainingCdf(edm.TimeOfSigma(7.6577));
        Assert.Equal(0.961, c1, 3);
        Assert.Equal(0.035, c2 - c1, 3);
        Assert.Equal(0.0035, 1 - c2, 4);
    }

    [Theory]
    [MemberData(nameof(AllSchedules))]
    public void TrainingQuantileInvertsTrainingCdf(string name, INoiseSchedule schedule)
    {
        // A discrete schedule trains on its steps: there its quantile inverts its CDF.
        var times = schedule is DdpmLinearSchedule ddpm
            ? new[] { 50, 300, 500, 700, 950, 999 }.Select(n => n / (double)(ddpm.Steps - 1)).ToArray()
            : new[] { 0.05, 0.3, 0.5, 0.7, 0.95 };
        foreach (var t in times)
            Assert.True(Math.Abs(schedule.TrainingQuantile(schedule.TrainingCdf(t)) - t) < 1e-7, $"{name}: t={t}");
    }
}
