using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Sampling.Solvers;

/// <summary>
/// EDM Algorithm 1 (deterministic Heun, 2nd order): an Euler step then a trapezoidal correction, except on
/// the last step to sigma = 0. steps = the number of sigma points (EDM's num_steps), so NFE = 2 steps - 1:
/// 18 steps give the paper's 35 NFE.
/// </summary>
public sealed class EdmHeunSolver : DiffusionSolver
{
    public EdmHeunSolver(INoiseSchedule schedule) : base(schedule) { }

    /// <summary>EDM's sampler (generate.py's edm_sampler) integrates in float64: latents.to(torch.float64), denoised.to(torch.float64).</summary>
    public override ScalarType StateType => ScalarType.Float64;

    public override void SetTimesteps(int steps) => SetGridEndingClean(TimeGrids.KarrasSigma(Schedule, steps, EndTime));

    public override int EvaluationsFor(int steps) => 2 * steps - 1;

    public override Tensor Step(Tensor x, int index, Denoiser denoiser, ImageNoise? noise)
    {
        GridPoint from = Grid[index], to = Grid[index + 1];
        double dSigma = to.Sigma - from.Sigma;
        var xHat = x / from.Scale;
        var slope = EvaluateUnscaled(denoiser, xHat, from).Noise;
        var euler = xHat + slope * dSigma;
        if (to.IsClean) return euler * to.Scale;
        var slopeNext = EvaluateUnscaled(denoiser, euler, to).Noise;
        return (xHat + (slope + slopeNext) * (0.5 * dSigma)) * to.Scale;
    }
}
