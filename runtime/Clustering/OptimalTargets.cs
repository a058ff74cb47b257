using System;
using DiffusionDsl.Runtime.Diffusion;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Clustering;

/// <summary>
/// Turns the posterior mean E[x0 | z] (z = x / s = x0 + sigma eps) into each prediction target.
/// V is the unit-variance form v = (eps - sigma x0) / sqrt(1 + sigma^2), which is Salimans and Ho's
/// v for VP; Edm is Karras et al.'s F with sigma_data = 0.5.
/// </summary>
public static class OptimalTargets
{
    public const double EdmSigmaData = 0.5;

    /// <param name="z">[Q, D]</param>
    /// <param name="mean">[Q, D]</param>
    /// <param name="sigma">[Q]</param>
    public static Tensor FromPosteriorMean(Tensor z, Tensor mean, Tensor sigma, PredictionTarget target)
    {
        using var scope = NewDisposeScope();
        var s = sigma.to_type(z.dtype).reshape(-1, 1);
        Tensor result = target switch
        {
            PredictionTarget.X0 => mean.clone(),
            PredictionTarget.Eps => z.sub(mean).div_(s),
            PredictionTarget.V => z.sub(mean).div_(s).sub_(mean.mul(s)).div_(s.square().add(1.0).sqrt_()),
            PredictionTarget.Edm => EdmF(z, mean, s),
            _ => throw new ArgumentOutOfRangeException(nameof(target)),
        };
        return result.MoveToOuterDisposeScope();
    }

    private static Tensor EdmF(Tensor z, Tensor mean, Tensor s)
    {
        var variance = s.square().add(EdmSigmaData * EdmSigmaData);
        var cSkip = variance.reciprocal().mul_(EdmSigmaData * EdmSigmaData);
        var cOut = s.mul(EdmSigmaData).div_(variance.sqrt());
        return mean.sub(z.mul(cSkip)).div_(cOut);
    }
}
