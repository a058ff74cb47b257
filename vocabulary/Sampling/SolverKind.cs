namespace DiffusionDsl.Runtime.Sampling;

public enum SolverKind { DdpmAncestral, Ddim, DpmSolver2, DpmSolver3, DpmSolverPlusPlus2M, EdmHeun, Euler }

/// <summary>The sampling defaults: the .msd's sample section without a setting, and SampleOptions.</summary>
public static class SampleDefaults
{
    public const SolverKind Solver = SolverKind.DpmSolver3;
    public const int Steps = 20;
    public const double Eta = 0.0;
    public const int Count = 64;
    public const long Seed = 0;
    public const bool Clip = false;
}
