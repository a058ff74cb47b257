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
    public const TimeSpacing Spacing = TimeSpacing.LogSnr;
    /// <summary>EDM's S_churn, S_min, S_max and S_noise (its Algorithm 2): no churn, so heun is EDM's deterministic Algorithm 1.</summary>
    public const double Churn = 0;
    public const double ChurnMin = 0;
    public const double ChurnMax = double.PositiveInfinity;
    public const double ChurnNoise = 1;
}
