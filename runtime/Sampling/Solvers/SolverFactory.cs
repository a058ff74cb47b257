using System;
using DiffusionDsl.Runtime.Schedules;

namespace DiffusionDsl.Runtime.Sampling.Solvers;

public static class SolverFactory
{
    /// <param name="eta">DDIM's stochasticity (read by ddim only).</param>
    /// <param name="churn">EDM's stochastic Heun (read by heun only); null: none.</param>
    public static DiffusionSolver Create(SolverKind kind, INoiseSchedule schedule, double eta = 0.0, HeunChurn? churn = null) => kind switch
    {
        SolverKind.DdpmAncestral => new DdpmAncestralSolver(schedule),
        SolverKind.Ddim => new DdimSolver(schedule, eta),
        SolverKind.DpmSolver2 => new DpmSolverSinglestep(schedule, order: 2),
        SolverKind.DpmSolver3 => new DpmSolverSinglestep(schedule, order: 3),
        SolverKind.DpmSolverPlusPlus2M => new DpmSolverPlusPlus2M(schedule),
        SolverKind.EdmHeun => new EdmHeunSolver(schedule, churn),
        SolverKind.Euler => new EulerSolver(schedule),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown solver."),
    };
}
