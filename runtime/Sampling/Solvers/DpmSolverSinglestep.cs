using System;
using System.Collections.Generic;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Sampling.Solvers;

/// <summary>
/// Singlestep DPM-Solver-2 and -3 with noise prediction (Lu et al. 2022, Algorithms 1 and 2, r1 = 1/2;
/// r1 = 1/3, r2 = 2/3), outer steps uniform in lambda = -ln sigma. steps = NFE, split into outer steps as
/// DPM-Solver's "fast" method does: order 3 with 20 NFE is six 3rd-order steps and one 2nd-order step.
/// </summary>
public sealed class DpmSolverSinglestep : DiffusionSolver
{
    public int Order { get; }
    public IReadOnlyList<int> StepOrders { get; private set; } = Array.Empty<int>();

    public DpmSolverSinglestep(INoiseSchedule schedule, int order) : base(schedule)
    {
        if (order is not (2 or 3)) throw new ArgumentOutOfRangeException(nameof(order), "DPM-Solver singlestep supports orders 2 and 3.");
        Order = order;
    }

    public override void SetTimesteps(int steps)
    {
        StepOrders = OrdersFor(steps, Order);
        Grid = TimeGrids.UniformLogSnr(Schedule, StepOrders.Count + 1, EndTime);
    }

    /// <summary>DPM-Solver's order schedule for a budget of NFE evaluations (dpm_solver.py, method 'singlestep_fixed'/'fast').</summary>
    public static List<int> OrdersFor(int steps, int order)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps));
        var orders = new List<int>();
        if (order == 3)
        {
            int k = steps / 3 + 1;
            for (int i = 0; i < k - 1; i++) orders.Add(3);
            switch (steps % 3)
            {
                case 0: orders[^1] = 2; orders.Add(1); break;
                case 1: orders.Add(1); break;
                default: orders.Add(2); break;
            }
        }
        else
        {
            for (int i = 0; i < steps / 2; i++) orders.Add(2);
            if (steps % 2 == 1) orders.Add(1);
        }
        return orders;
    }

    public override Tensor Step(Tensor x, int index, Denoiser denoiser, ImageNoise? noise)
    {
        GridPoint s = Grid[index], t = Grid[index + 1];
        double h = t.Lambda - s.Lambda;
        var epsS = Evaluate(denoiser, x, s).Noise;
        var firstOrder = x * (t.Alpha / s.Alpha) - epsS * (t.NoiseStd * double.ExpM1(h));
        switch (StepOrders[index])
        {
            case 1:
                return firstOrder;
            case 2:
            {
                const double r1 = 0.5;
                var s1 = TimeGrids.AtLambda(Schedule, s.Lambda + r1 * h);
                var xS1 = x * (s1.Alpha / s.Alpha) - epsS * (s1.NoiseStd * double.ExpM1(r1 * h));
                var epsS1 = Evaluate(denoiser, xS1, s1).Noise;
                return firstOrder - (epsS1 - epsS) * (0.5 / r1 * t.NoiseStd * double.ExpM1(h));
            }
            default:
            {
                const double r1 = 1.0 / 3.0, r2 = 2.0 / 3.0;
                var s1 = TimeGrids.AtLambda(Schedule, s.Lambda + r1 * h);
                var s2 = TimeGrids.AtLambda(Schedule, s.Lambda + r2 * h);
                double phi22 = double.ExpM1(r2 * h) / (r2 * h) - 1.0;
                double phi2 = double.ExpM1(h) / h - 1.0;
                var xS1 = x * (s1.Alpha / s.Alpha) - epsS * (s1.NoiseStd * double.ExpM1(r1 * h));
                var epsS1 = Evaluate(denoiser, xS1, s1).Noise;
                var xS2 = x * (s2.Alpha / s.Alpha) - epsS * (s2.NoiseStd * double.ExpM1(r2 * h))
                          - (epsS1 - epsS) * (r2 / r1 * s2.NoiseStd * phi22);
                var epsS2 = Evaluate(denoiser, xS2, s2).Noise;
                return firstOrder - (epsS2 - epsS) * (t.NoiseStd * phi2 / r2);
            }
        }
    }
}
