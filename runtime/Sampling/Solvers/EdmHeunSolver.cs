using System;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Sampling.Solvers;

/// <summary>
/// EDM Algorithm 1 (deterministic Heun, 2nd order): an Euler step then a trapezoidal correction, except on
/// the last step to sigma = 0. steps = the number of sigma points (EDM's num_steps), so NFE = 2 steps - 1:
/// 18 steps give the paper's 35 NFE. With a <see cref="HeunChurn"/>, EDM Algorithm 2: each step first raises the
/// noise level and adds the matching fresh noise, then takes the same Heun step from there.
/// </summary>
public sealed class EdmHeunSolver : DiffusionSolver
{
    public EdmHeunSolver(INoiseSchedule schedule, HeunChurn? churn = null) : base(schedule) => Churn = churn ?? HeunChurn.None;

    public HeunChurn Churn { get; }

    /// <summary>EDM's sampler (generate.py's edm_sampler) integrates in float64: latents.to(torch.float64), denoised.to(torch.float64).</summary>
    public override ScalarType StateType => ScalarType.Float64;

    public override void SetTimesteps(int steps) => SetGridEndingClean(TimeGrids.KarrasSigma(Schedule, steps, EndTime));

    public override int EvaluationsFor(int steps) => 2 * steps - 1;

    public override Tensor Step(Tensor x, int index, Denoiser denoiser, ImageNoise? noise)
    {
        GridPoint from = Grid[index], to = Grid[index + 1];
        var xHat = x / from.Scale;
        if (Churn.IsOn) (xHat, from) = Churned(xHat, from, noise);
        double dSigma = to.Sigma - from.Sigma;
        var slope = EvaluateUnscaled(denoiser, xHat, from).Noise;
        var euler = xHat + slope * dSigma;
        if (to.IsClean) return euler * to.Scale;
        var slopeNext = EvaluateUnscaled(denoiser, euler, to).Noise;
        return (xHat + (slope + slopeNext) * (0.5 * dSigma)) * to.Scale;
    }

    /// <summary>
    /// EDM Algorithm 2, lines 4-6: sigma_hat = (1 + gamma) sigma and x_hat + sqrt(sigma_hat^2 - sigma^2) S_noise n, in
    /// the unscaled variable x / s_t. Like EDM's sampler it draws n at every step, churned or not, so which image gets
    /// which draw does not depend on S_min and S_max. Above the schedule's sigma at t = 1 the vp, cosine and edm times are
    /// extrapolated, as EDM raises sigma past sigma_max when S_max allows; a ddpm schedule's stop at t = 1.
    /// </summary>
    private (Tensor XHat, GridPoint At) Churned(Tensor xHat, GridPoint from, ImageNoise? noise)
    {
        var draw = NoiseLike(xHat, noise);
        double gamma = Churn.Gamma(from.Sigma, StepCount);
        if (gamma == 0) return (xHat, from);
        // EDM: t_cur + gamma * t_cur, then the level the schedule has there (its round_sigma): a ddpm schedule's times stop
        // at t = 1, and the network must see the noise x_hat carries.
        double tHat = Schedule.TimeOfSigma(from.Sigma + gamma * from.Sigma);
        double sigmaHat = Schedule.Sigma(tHat);
        var raised = xHat + draw * (Math.Sqrt(sigmaHat * sigmaHat - from.Sigma * from.Sigma) * Churn.NoiseScale);
        return (raised, new GridPoint(tHat, Schedule.Scale(tHat), sigmaHat));
    }
}
