using System;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Sampling.Solvers;

/// <summary>
/// DDPM ancestral sampling (Ho et al. 2020, Eq. 6-7): draw x_{t'} from the posterior q(x_{t'} | x_t, x0_hat).
/// steps = NFE, uniform in t; with the 1000-step DDPM schedule and steps = 1000 it is the original chain.
/// </summary>
public sealed class DdpmAncestralSolver : DiffusionSolver
{
    public DdpmAncestralSolver(INoiseSchedule schedule) : base(schedule) { }

    public override void SetTimesteps(int steps) => SetGridEndingClean(TimeGrids.UniformTime(Schedule, steps, EndTime));

    public override Tensor Step(Tensor x, int index, Denoiser denoiser, ImageNoise? noise)
    {
        GridPoint from = Grid[index], to = Grid[index + 1];
        var estimate = Evaluate(denoiser, x, from);
        double a = from.VpSignal, b = from.VpNoise, aNext = to.VpSignal, bNext = to.VpNoise;
        double ratio = a * a / (aNext * aNext);
        double beta = 1.0 - ratio;
        var z = x * (a / from.Scale);
        var mean = estimate.Data * (aNext * beta / (b * b)) + z * (Math.Sqrt(ratio) * bNext * bNext / (b * b));
        double variance = beta * bNext * bNext / (b * b);
        var zNext = variance > 0 ? mean + NoiseLike(x, noise) * Math.Sqrt(variance) : mean;
        return zNext * (to.Scale / aNext);
    }
}
