using DiffusionDsl.Language.Diagnostics;

namespace DiffusionDsl.Language.Tests;

/// <summary>
/// A schedule whose noise levels overflow compiles to a model whose every sample is NaN: the compiler refuses it at the
/// parameter that takes it there.
/// </summary>
public class ScheduleBoundsTests
{
    private static string With(string diffusion) =>
        TinyModel.With().Replace("diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps", diffusion);

    [Theory]
    // sum -log(1 - beta) over the steps: about 510, 15,000 and 140; sigma(1) = sqrt(e^sum - 1) is above 1e30 in each.
    [InlineData("diffusion ddpm(beta_start = 0.4, beta_end = ⟦0.6⟧) predicts eps")]
    [InlineData("diffusion ddpm(beta_start = 0.1, beta_end = ⟦0.2⟧, steps = 100000) predicts eps")]
    [InlineData("diffusion ddpm(steps = ⟦14000⟧) predicts eps")]
    public void ADdpmScheduleWhoseNoiseOverflowsIsRefused(string diffusion)
    {
        var error = TinyModel.SingleDiagnostic(With(diffusion), DiagnosticIds.ValueOutOfRange);
        Assert.StartsWith("beta_start, beta_end and steps put sigma at t = 1 at ", error.Message);
        Assert.EndsWith("above 1E+30: the sampler's clean-image estimate x_t / s_t, about sigma in size, would pass float32's largest value (3.4E+38); lower beta_end or steps", error.Message);
    }

    [Theory]
    [InlineData("diffusion ddpm predicts eps")]
    [InlineData("diffusion ddpm(beta_start = 1e-4, beta_end = 0.02, steps = 1000) predicts eps")]
    [InlineData("diffusion ddpm(beta_start = 1e-4, beta_end = 0.02, steps = 2000) predicts eps")]
    [InlineData("diffusion ddpm(steps = 5000) predicts eps")] // sigma(1) 7e10: compiled before the bound, and still does
    [InlineData("diffusion ddpm(beta_start = 0.04, beta_end = 0.05) predicts eps")]
    public void TheUsualDdpmSchedulesCompile(string diffusion) =>
        Assert.Empty(MsdCompiler.CompileUnguarded(With(diffusion)).Diagnostics);

    [Theory]
    [InlineData("edm(p_mean = ⟦800⟧)", "p_mean must be in [-10, 10] (EDM: -1.2)")]
    [InlineData("edm(p_std = ⟦500⟧)", "p_std must be in (0, 5] (EDM: 1.2)")]
    [InlineData("edm(sigma_data = ⟦1e300⟧)", "sigma_data must be in (0, 100] (EDM: 0.5, for data in [-1, 1])")]
    public void AnEdmTrainingDistributionThatOverflowsIsRefused(string schedule, string message)
    {
        var error = TinyModel.SingleDiagnostic(With($"diffusion {schedule} predicts edm"), DiagnosticIds.ValueOutOfRange);
        Assert.Equal(message, error.Message);
        Assert.Empty(MsdCompiler.CompileUnguarded(With("diffusion edm(p_mean = -1.2, p_std = 1.2, sigma_data = 0.5) predicts edm")).Diagnostics);
    }
}
