using System.Collections.Generic;
using DiffusionDsl.Runtime.Sampling;

namespace DiffusionDsl.Language.Semantics;

/// <summary>The solver names of a sample section (and of `msd sample --solver`), and the SolverKind each stands for.</summary>
public static class SolverNames
{
    private static readonly Dictionary<string, SolverKind> Kinds = new()
    {
        ["ddpm"] = SolverKind.DdpmAncestral, ["ddim"] = SolverKind.Ddim, ["dpm_solver2"] = SolverKind.DpmSolver2, ["dpm_solver3"] = SolverKind.DpmSolver3,
        ["dpm_solver_pp2m"] = SolverKind.DpmSolverPlusPlus2M, ["heun"] = SolverKind.EdmHeun, ["euler"] = SolverKind.Euler,
    };

    public static IEnumerable<string> All => Kinds.Keys;

    /// <summary>The solver an .msd solver name stands for.</summary>
    public static SolverKind KindOf(string name) => Kinds[name];

    /// <summary>The .msd name of a solver.</summary>
    public static string NameOf(SolverKind kind) => System.Linq.Enumerable.First(Kinds, pair => pair.Value == kind).Key;
}
