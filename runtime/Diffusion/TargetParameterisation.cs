using System;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Diffusion;

/// <summary>
/// The conversions between a network's raw output and (x0, eps), all in the unscaled variable
/// x_hat = x_t / s_t = x0 + sigma eps. v uses the variance-preserving form of Salimans and Ho (2022),
/// v = a eps - b x0 with a = 1/sqrt(1 + sigma^2), b = sigma a, so it applies to any schedule.
/// </summary>
public static class TargetParameterisation
{
    /// <summary>What the raw output regresses to. A unit-weight MSE on it is each target's standard loss
    /// (for EDM it equals lambda(sigma) ||D - x0||^2 because lambda = 1 / c_out^2).</summary>
    public static Tensor RawTarget(PredictionTarget target, Tensor x0, Tensor eps, Tensor sigma, double sigmaData) => target switch
    {
        PredictionTarget.Eps => eps.alias(),
        PredictionTarget.X0 => x0.alias(),
        PredictionTarget.V => (eps - sigma * x0) * (1 + sigma.square()).rsqrt(),
        PredictionTarget.Edm => (x0 - EdmPreconditioning.CSkip(sigma, sigmaData) * (x0 + sigma * eps)) / EdmPreconditioning.COut(sigma, sigmaData),
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, null),
    };

    /// <summary>The network input for x_hat: EDM scales it by c_in; the other targets see x_t = s x_hat.</summary>
    public static Tensor ModelInput(PredictionTarget target, Tensor xHat, Tensor scale, Tensor sigma, double sigmaData) =>
        target == PredictionTarget.Edm ? xHat * EdmPreconditioning.CIn(sigma, sigmaData) : xHat * scale;

    /// <summary>The clean-data estimate x0 from the raw output.</summary>
    public static Tensor DataEstimate(PredictionTarget target, Tensor raw, Tensor xHat, Tensor sigma, double sigmaData) => target switch
    {
        PredictionTarget.Eps => xHat - sigma * raw,
        PredictionTarget.X0 => raw.alias(),
        // x0 = a z - b v with z = a x_hat: x0 = (x_hat - sigma v sqrt(1 + sigma^2)) / (1 + sigma^2)
        PredictionTarget.V => (xHat - sigma * (1 + sigma.square()).sqrt() * raw) / (1 + sigma.square()),
        PredictionTarget.Edm => EdmPreconditioning.CSkip(sigma, sigmaData) * xHat + EdmPreconditioning.COut(sigma, sigmaData) * raw,
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, null),
    };
}
