using DiffusionDsl.Language.Diagnostics;

namespace DiffusionDsl.Language.Tests;

/// <summary>
/// The sample section's `end_time t`: where a vp or cosine model's sampling stops (score_sde's sampling.eps). The paper's
/// 20-step DPM-Solver figures stop at 1e-4, below the 1e-3 a model stops at without it.
/// </summary>
public class EndTimeTests
{
    private static string WithSample(string sample) => TinyModel.With().Replace("  decoder b { width 4 }\n", $"  decoder b {{ width 4 }}\n  sample {{ {sample} }}\n");

    [Fact]
    public void TheEndTimeReachesTheSampleSpec()
    {
        var compilation = MsdCompiler.CompileUnguarded(WithSample("end_time 1e-4"));
        Assert.Empty(compilation.Diagnostics);
        Assert.Equal(1e-4, compilation.Model!.Sample.EndTime);
    }

    [Fact]
    public void WithoutItTheScheduleDecides() =>
        Assert.Null(MsdCompiler.CompileUnguarded(WithSample("steps 20")).Model!.Sample.EndTime);

    [Theory]
    [InlineData("end_time ⟦0⟧", "end_time must be in (0, 0.1], not 0")]
    [InlineData("end_time ⟦0.5⟧", "end_time must be in (0, 0.1], not 0.5")]
    public void AnEndTimeOutsideItsRangeIsAnError(string sample, string message)
    {
        var error = TinyModel.SingleDiagnostic(WithSample(sample), DiagnosticIds.ValueOutOfRange);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void AnEndTimeBelowWhereTrainingStartsIsAnError()
    {
        var error = TinyModel.SingleDiagnostic(WithSample("end_time ⟦1e-6⟧"), DiagnosticIds.ValueOutOfRange);
        Assert.Equal("'end_time' 1E-06 is below t = 1E-05, where the vp schedule's training starts: no decoder learned those times", error.Message);
        Assert.Empty(MsdCompiler.CompileUnguarded(WithSample("end_time 1e-5")).Diagnostics);
    }

    [Fact]
    public void TheEdmScheduleTakesNoEndTime()
    {
        var source = WithSample("⟦end_time⟧ 1e-4").Replace("diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps", "diffusion edm predicts edm");
        var error = TinyModel.SingleDiagnostic(source, DiagnosticIds.IncompatibleSettings);
        Assert.EndsWith("the edm schedule stops at its sigma_min (edm(sigma_min = ...))", error.Message);
    }

    /// <summary>ddpm samples down to t = 0 by default; with an end time a stage at or below it is never sampled.</summary>
    [Fact]
    public void ADdpmScheduleTakesAnEndTimeAndItsStagesAreCheckedAgainstIt()
    {
        var ddpm = WithSample("end_time 1e-4").Replace("diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps", "diffusion ddpm(steps = 1000) predicts eps");
        Assert.Equal(1e-4, MsdCompiler.CompileUnguarded(ddpm).Model!.Sample.EndTime);
        var low = ddpm.Replace("    a [0, 0.5)\n    b [0.5, 1]\n", "    a ⟦[0, 0.00005)⟧\n    b [0.00005, 1]\n");
        TinyModel.SingleDiagnostic(low, DiagnosticIds.BoundaryOutOfRange);
        Assert.Empty(MsdCompiler.CompileUnguarded(low.Replace("⟦", "").Replace("⟧", "").Replace("end_time 1e-4", "steps 20")).Diagnostics);
    }

    [Fact]
    public void AStageAboveTheDefaultEndButBelowTheEndTimeIsAnError()
    {
        var stages = TinyModel.With().Replace("    a [0, 0.5)\n    b [0.5, 1]\n", "    a ⟦[0, 0.002)⟧\n    b [0.002, 1]\n")
                              .Replace("  decoder b { width 4 }\n", "  decoder b { width 4 }\n  sample { end_time 0.005 }\n");
        var error = TinyModel.SingleDiagnostic(stages, DiagnosticIds.BoundaryOutOfRange);
        Assert.StartsWith("Stage 'a' ends at t = 0.002, at or below t = 0.005, where the sample section's end_time stops sampling", error.Message);
    }

    [Fact]
    public void AStageBelowTheDefaultEndIsSampledWithALowerEndTime()
    {
        var stages = TinyModel.With().Replace("a [0, 0.5)\n    b [0.5, 1]", "a [0, 0.0005)\n    b [0.0005, 1]");
        Assert.Single(MsdCompiler.CompileUnguarded(stages).Diagnostics);
        Assert.Empty(MsdCompiler.CompileUnguarded(stages.Replace("  decoder b { width 4 }\n", "  decoder b { width 4 }\n  sample { end_time 1e-4 }\n")).Diagnostics);
    }
}
