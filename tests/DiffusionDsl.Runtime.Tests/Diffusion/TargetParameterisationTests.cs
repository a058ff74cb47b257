using System;
using DiffusionDsl.Runtime.Diffusion;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Diffusion;

public class TargetParameterisationTests
{
    private static (Tensor x0, Tensor eps, Tensor sigma) Batch()
    {
        var g = new Generator(7);
        var x0 = randn(new long[] { 8, 3, 4, 4 }, dtype: ScalarType.Float64, generator: g);
        var eps = randn(new long[] { 8, 3, 4, 4 }, dtype: ScalarType.Float64, generator: g);
        var sigma = tensor(new[] { 0.002, 0.05, 0.3, 0.5, 1.0, 2.5, 10.0, 80.0 }, dtype: ScalarType.Float64).view(8, 1, 1, 1);
        return (x0, eps, sigma);
    }

    [Theory]
    [InlineData(PredictionTarget.Eps)]
    [InlineData(PredictionTarget.X0)]
    [InlineData(PredictionTarget.V)]
    [InlineData(PredictionTarget.Edm)]
    public void DataEstimateInvertsTheRawTarget(PredictionTarget target)
    {
        var (x0, eps, sigma) = Batch();
        var raw = TargetParameterisation.RawTarget(target, x0, eps, sigma, 0.5);
        var estimate = TargetParameterisation.DataEstimate(target, raw, x0 + sigma * eps, sigma, 0.5);
        Assert.True(allclose(estimate, x0, rtol: 1e-9, atol: 1e-9), $"{target}: max error {(estimate - x0).abs().max().item<double>()}");
    }

    [Fact]
    public void VelocityMatchesSalimansAndHoOnAVariancepreservingSchedule()
    {
        // VP: alpha = s, sigma_dpm = s sigma with alpha^2 + sigma_dpm^2 = 1, and v = alpha eps - sigma_dpm x0.
        var (x0, eps, sigma) = Batch();
        var alpha = (1 + sigma.square()).rsqrt();
        var v = TargetParameterisation.RawTarget(PredictionTarget.V, x0, eps, sigma, 0.5);
        Assert.True(allclose(v, alpha * eps - alpha * sigma * x0, rtol: 1e-12, atol: 1e-12));
    }

    [Fact]
    public void EdmCoefficientsMatchTable1AtSigmaData()
    {
        var sigma = tensor(0.5, dtype: ScalarType.Float64);
        Assert.Equal(0.5, EdmPreconditioning.CSkip(sigma, 0.5).item<double>(), 12);
        Assert.Equal(0.5 / Math.Sqrt(2), EdmPreconditioning.COut(sigma, 0.5).item<double>(), 12);
        Assert.Equal(1 / (0.5 * Math.Sqrt(2)), EdmPreconditioning.CIn(sigma, 0.5).item<double>(), 12);
        Assert.Equal(8.0, EdmPreconditioning.LossWeight(sigma, 0.5).item<double>(), 12);
    }

    [Fact]
    public void EdmRawLossEqualsLambdaWeightedDenoiserLoss()
    {
        var (x0, eps, sigma) = Batch();
        var g = new Generator(11);
        var raw = randn(x0.shape, dtype: ScalarType.Float64, generator: g);
        var target = TargetParameterisation.RawTarget(PredictionTarget.Edm, x0, eps, sigma, 0.5);
        var rawLoss = (raw - target).square();
        var denoised = TargetParameterisation.DataEstimate(PredictionTarget.Edm, raw, x0 + sigma * eps, sigma, 0.5);
        var edmLoss = EdmPreconditioning.LossWeight(sigma, 0.5) * (denoised - x0).square();
        Assert.True(allclose(rawLoss, edmLoss, rtol: 1e-9, atol: 1e-9));
    }
}
