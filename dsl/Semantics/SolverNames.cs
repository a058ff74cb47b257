using System.Collections.Generic;

namespace DiffusionDsl.Language.Semantics;

/// <summary>The solver names of a sample section (and of `msd sample --solver`), and the runtime SolverKind each stands for.</summary>
public static class SolverNames
{
    private static readonly Dictionary<string, string> Kinds = new()
    {
        ["ddpm"] = "DdpmAncestral", ["ddim"] = "Ddim", ["dpm_solver2"] = "DpmSolver2", ["dpm_solver3"] = "DpmSolver3",
        ["dpm_solver_pp2m"] = "DpmSolverPlusPlus2M", ["heun"] = "EdmHeun", ["euler"] = "Euler",
    };

    public static IEnumerable<string> All => Kinds.Keys;

    /// <summary>The SolverKind member name for an .msd solver name.</summary>
    public static string KindOf(string name) => Kinds[name];
}
