using System;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Sampling.Solvers;

/// <summary>
/// Multistep DPM-Solver++(2M) with data prediction (Lu et al. 2022b, Algorithm 2):
/// x_t = (sigma_t/sigma_s) x_s - alpha_t (e^{-h} - 1) D, D = (1 + 1/(2r)) x0_s - 1/(2r) x0_prev, r = h_prev / h.
/// The first step is first order, and so is the last below 10 steps (lower_order_final as the paper code's dpm_solver.py
/// has it; diffusers lowers it below 15).
/// steps = NFE, uniform in lambda, or in t with <see cref="DiffusionSolver.Spacing"/> time (latent diffusion's
/// DPMSolverSampler: multistep, order 2, time_uniform).
/// </summary>
public sealed class DpmSolverPlusPlus2M : DiffusionSolver
{
    /// <summary>Below this many steps the last one is first order (dpm_solver.py's `steps < 10`).</summary>
    public const int LowerOrderFinalBelow = 10;

    private Tensor? _previousData;
    private double _previousH;

    public DpmSolverPlusPlus2M(INoiseSchedule schedule) : base(schedule) { }

    public override void SetTimesteps(int steps)
    {
        Grid = TimeGrids.Spaced(Spacing, Schedule, steps + 1, EndTime);
        _previousData?.Dispose();
        _previousData = null;
    }

    public override Tensor Step(Tensor x, int index, Denoiser denoiser, ImageNoise? noise)
    {
        GridPoint s = Grid[index], t = Grid[index + 1];
        double h = t.Lambda - s.Lambda;
        var data = Evaluate(denoiser, x, s).Data;
        bool lowerOrderFinal = index == StepCount - 1 && StepCount < LowerOrderFinalBelow;
        var direction = _previousData is null || lowerOrderFinal
            ? data.alias()
            : data * (1.0 + 0.5 * h / _previousH) - _previousData * (0.5 * h / _previousH);
        var next = x * (t.NoiseStd / s.NoiseStd) - direction * (t.Alpha * double.ExpM1(-h));
        _previousData?.Dispose();
        _previousData = index == StepCount - 1 ? null : data.detach().DetachFromDisposeScope();
        _previousH = h;
        return next;
    }
}
