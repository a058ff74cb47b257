namespace DiffusionDsl.Runtime.Sampling;

public enum SolverKind { DdpmAncestral, Ddim, DpmSolver2, DpmSolver3, DpmSolverPlusPlus2M, EdmHeun, Euler }

/// <summary>Sampling defaults; the generated sampler fills them from the .msd's sample section.</summary>
public sealed record SampleOptions
{
    public SolverKind Solver { get; init; } = SolverKind.DpmSolver3;
    public int Steps { get; init; } = 20;
    public double Eta { get; init; } = 0.0;
    public long Seed { get; init; } = 0;
    public int Count { get; init; } = 64;
    /// <summary>Images generated per model call; bounds memory, not results.</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>Clamp every clean-data estimate to [-1, 1], the range the data loaders scale images to.</summary>
    public bool ClipDenoised { get; init; }
    /// <summary>The last time the solver reaches; null means the schedule's MinTime.</summary>
    public double? EndTime { get; init; }
}
