using System;
using System.Linq;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Tests.Support;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Schedules;

/// <summary>The schedules' tensor forms, which the training step evaluates on the device, against their scalar definitions.</summary>
public class TensorScheduleTests
{
    private static readonly double[] Times = Enumerable.Range(0, 201).Select(i => i / 200.0).Concat(new[] { 1e-3, 0.4420, 0.6308, 0.99999 }).ToArray();

    [Theory]
    [MemberData(nameof(ScheduleCases.Names), MemberType = typeof(ScheduleCases))]
    public void ScalesAndSigmasEqualTheScalarForms(string name)
    {
        var schedule = ScheduleCases.Create(name);
        var t = tensor(Times, dtype: ScalarType.Float64);
        var scales = schedule.Scales(t).data<double>().ToArray();
        var sigmas = schedule.Sigmas(t).data<double>().ToArray();
        for (int i = 0; i < Times.Length; i++)
        {
            AssertClose(schedule.Scale(Times[i]), scales[i], Times[i]);
            AssertClose(schedule.Sigma(Times[i]), sigmas[i], Times[i]);
            // What the networks see: the float32 levels agree exactly.
            Assert.Equal((float)schedule.Sigma(Times[i]), (float)sigmas[i]);
        }
    }

    [Theory]
    [MemberData(nameof(ScheduleCases.Names), MemberType = typeof(ScheduleCases))]
    public void TrainingQuantilesEqualTheScalarQuantile(string name)
    {
        var schedule = ScheduleCases.Create(name);
        var p = tensor(Times, dtype: ScalarType.Float64);
        var quantiles = schedule.TrainingQuantiles(p).data<double>().ToArray();
        for (int i = 0; i < Times.Length; i++) AssertClose(schedule.TrainingQuantile(Times[i]), quantiles[i], Times[i]);
    }

    private static void AssertClose(double expected, double actual, double t) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1.0, Math.Abs(expected)), $"t = {t}: {actual} instead of {expected}");
}
