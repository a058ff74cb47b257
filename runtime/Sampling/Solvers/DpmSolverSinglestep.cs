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
/// DPM-Solver's "fast" method does: order 3 with 20 NFE is six 3rd-order steps and one 2nd-order step. With
/// <see cref="DiffusionSolver.Spacing"/> time, every evaluation sits on a grid of steps + 1 times uniform in t, the outer
/// steps at its points after each step's order (dpm_solver.py's time_uniform), and r1, r2 are where the inner times
/// fall in lambda.
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
        if (Spacing == TimeSpacing.Time)
        {
            var all = TimeGrids.UniformTime(Schedule, steps + 1, EndTime);
            var outer = new List<GridPoint> { all[0] };
            int at = 0;
            foreach (int order in StepOrders) outer.Add(all[at += order]);
            Grid = outer;
        }
        else Grid = TimeGrids.UniformLogSnr(Schedule, StepOrders.Count + 1, EndTime);
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
                var (s1, r1) = Inner(s, t, 1, 2);
                var xS1 = x * (s1.Alpha / s.Alpha) - epsS * (s1.NoiseStd * double.ExpM1(r1 * h));
                var epsS1 = Evaluate(denoiser, xS1, s1).Noise;
                return firstOrder - (epsS1 - epsS) * (0.5 / r1 * t.NoiseStd * double.ExpM1(h));
            }
            default:
            {
                var (s1, r1) = Inner(s, t, 1, 3);
                var (s2, r2) = Inner(s, t, 2, 3);
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

    /// <summary>
    /// The i-th of a step's order - 1 inner points from s to t and its share r of the step in lambda: i / order of the way
    /// in lambda (uniform in lambda, r = i / order), or in t with time spacing.
    /// </summary>
    private (GridPoint Point, double R) Inner(GridPoint s, GridPoint t, int i, int order)
    {
        double h = t.Lambda - s.Lambda;
        if (Spacing != TimeSpacing.Time) return (TimeGrids.AtLambda(Schedule, s.Lambda + (double)i / order * h), (double)i / order);
        var point = GridPoint.At(Schedule, s.T + (t.T - s.T) * i / order);
        return (point, (point.Lambda - s.Lambda) / h);
    }
}
