using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Runtime.Sampling;

namespace DiffusionDsl.Language.Tests;

/// <summary>
/// The sample section's `spacing logsnr|time`: where the DPM solvers place their steps (DPM-Solver's skip_type). The
/// paper's VP runs sample uniform in lambda (the default); its LDM runs, through latent diffusion's DPMSolverSampler,
/// uniform in t.
/// </summary>
public class SpacingTests
{
    private static string WithSample(string sample) => TinyModel.With().Replace("  decoder b { width 4 }\n", $"  decoder b {{ width 4 }}\n  sample {{ {sample} }}\n");

    [Theory]
    [InlineData("solver dpm_solver_pp2m; spacing time", TimeSpacing.Time)]
    [InlineData("solver dpm_solver3; spacing logsnr", TimeSpacing.LogSnr)]
    [InlineData("solver dpm_solver2; spacing time", TimeSpacing.Time)]
    [InlineData("solver dpm_solver3", TimeSpacing.LogSnr)]
    public void TheSpacingReachesTheSampleSpec(string sample, TimeSpacing expected)
    {
        var compilation = MsdCompiler.CompileUnguarded(WithSample(sample));
        Assert.Empty(compilation.Diagnostics);
        Assert.Equal(expected, compilation.Model!.Sample.Spacing);
    }

    [Fact]
    public void AnUnknownSpacingIsNamedWithTheChoices()
    {
        var error = TinyModel.SingleDiagnostic(WithSample("spacing ⟦quadratic⟧"), DiagnosticIds.UnknownOption);
        Assert.Contains("quadratic", error.Message);
        Assert.Contains("logsnr", error.Message);
        Assert.Contains("time", error.Message);
    }

    [Theory]
    [InlineData("solver heun; ⟦spacing⟧ time", "heun")]
    [InlineData("solver ddim; ⟦spacing⟧ logsnr", "ddim")]
    public void ASpacingNoSolverReadsIsAWarning(string sample, string solver)
    {
        var warning = TinyModel.SingleDiagnostic(WithSample(sample), DiagnosticIds.SettingUnused);
        Assert.Equal($"'spacing' places the DPM solvers' steps (dpm_solver2, dpm_solver3, dpm_solver_pp2m); solver {solver} has a grid of its own " +
                     "(remove it, or write one of those solvers)", warning.Message);
    }
}
