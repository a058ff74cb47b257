using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Sampling.Solvers;

/// <summary>
/// Euler on the probability-flow ODE in EDM form (EDM Eq. 4 with s = 1 on x_hat = x / s):
/// dx_hat/dsigma = (x_hat - D(x_hat; sigma)) / sigma = eps_hat. steps = NFE, on EDM's sigma grid (Eq. 5, the edm schedule's rho), ending at sigma = 0.
/// </summary>
public sealed class EulerSolver : DiffusionSolver
{
    public EulerSolver(INoiseSchedule schedule) : base(schedule) { }

    public override void SetTimesteps(int steps) => SetGridEndingClean(TimeGrids.KarrasSigma(Schedule, steps, EndTime));

    public override Tensor Step(Tensor x, int index, Denoiser denoiser, ImageNoise? noise)
    {
        GridPoint from = Grid[index], to = Grid[index + 1];
        var estimate = Evaluate(denoiser, x, from);
        var xHat = x / from.Scale + estimate.Noise * (to.Sigma - from.Sigma);
        return xHat * to.Scale;
    }
}
