using System;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Sampling.Solvers;

/// <summary>
/// DDIM (Song et al. 2021, Eq. 12 and 16) in variance-preserving form z = a x0 + b eps:
/// z' = a' x0_hat + sqrt(b'^2 - s_eta^2) eps_hat + s_eta n, with s_eta = eta (b'/b) sqrt(1 - a^2/a'^2).
/// eta = 0 is deterministic; eta = 1 is DDPM's posterior. steps = NFE, uniform in t.
/// </summary>
public sealed class DdimSolver : DiffusionSolver
{
    public double Eta { get; }

    public DdimSolver(INoiseSchedule schedule, double eta = 0.0) : base(schedule)
    {
        if (eta < 0) throw new ArgumentOutOfRangeException(nameof(eta), "eta must be >= 0.");
        Eta = eta;
    }

    public override void SetTimesteps(int steps) => SetGridEndingClean(TimeGrids.UniformTime(Schedule, steps, EndTime));

    public override Tensor Step(Tensor x, int index, Denoiser denoiser, ImageNoise? noise)
    {
        GridPoint from = Grid[index], to = Grid[index + 1];
        var estimate = Evaluate(denoiser, x, from);
        double a = from.VpSignal, b = from.VpNoise, aNext = to.VpSignal, bNext = to.VpNoise;
        double stochastic = Eta * (bNext / b) * Math.Sqrt(Math.Max(0.0, 1.0 - a * a / (aNext * aNext)));
        double directed = Math.Sqrt(Math.Max(0.0, bNext * bNext - stochastic * stochastic));
        var zNext = estimate.Data * aNext + estimate.Noise * directed;
        if (stochastic > 0) zNext = zNext + NoiseLike(x, noise) * stochastic;
        return zNext * (to.Scale / aNext);
    }
}
