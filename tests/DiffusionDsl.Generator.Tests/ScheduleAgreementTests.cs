using DiffusionDsl.Language.Semantics;
using DiffusionDsl.Runtime.Schedules;

namespace DiffusionDsl.Generator.Tests;

/// <summary>
/// The compiler converts sigma-unit stage boundaries with its own copy of the schedules' sigma(t)
/// (it cannot load the net10.0 runtime); this keeps the two copies in agreement.
/// </summary>
public class ScheduleAgreementTests
{
    public static TheoryData<ScheduleSpec, INoiseSchedule> Schedules => new()
    {
        { new ScheduleSpec(ScheduleKind.Vp, BetaMin: 0.1, BetaMax: 20), new VpSchedule(betaMin: 0.1, betaMax: 20) },
        { new ScheduleSpec(ScheduleKind.Cosine, CosineOffset: 0.008), new CosineSchedule(offset: 0.008) },
        { new ScheduleSpec(ScheduleKind.Edm, SigmaMin: 0.002, SigmaMax: 80, Rho: 7), new EdmSchedule(sigmaMin: 0.002, sigmaMax: 80, rho: 7) },
    };

    [Theory]
    [MemberData(nameof(Schedules))]
    public void CompileTimeSigmaEqualsTheRuntimeSchedules(ScheduleSpec compileTime, INoiseSchedule runtime)
    {
        foreach (var t in new[] { 0.05, 0.2, 0.442, 0.631, 0.9, 0.99 })
        {
            Assert.Equal(runtime.Sigma(t), compileTime.Sigma(t), 1e-9 * (1 + runtime.Sigma(t)));
            Assert.Equal(runtime.TimeOfSigma(runtime.Sigma(t)), compileTime.TimeOfSigma(runtime.Sigma(t)), 1e-9);
        }
    }

    /// <summary>
    /// A sigma exactly on a boundary must land in the same stage at compile time and at run time, so the boundary t
    /// the compiler emits is bit-identical to the runtime schedule's inverse (no bisection, no 1-ulp drift).
    /// </summary>
    [Theory]
    [MemberData(nameof(Schedules))]
    public void CompileTimeBoundariesAreBitIdenticalToTheRuntimeInverse(ScheduleSpec compileTime, INoiseSchedule runtime)
    {
        foreach (var sigma in new[] { 0.01, 0.3, 1.0, 2.5103, 7.6577, 20.0, 79.0 })
            Assert.Equal(System.BitConverter.DoubleToInt64Bits(runtime.TimeOfSigma(sigma)), System.BitConverter.DoubleToInt64Bits(compileTime.TimeOfSigma(sigma)));
    }
}
