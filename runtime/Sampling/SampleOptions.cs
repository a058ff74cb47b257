namespace DiffusionDsl.Runtime.Sampling;

/// <summary>Sampling defaults; the generated sampler fills them from the .msd's sample section.</summary>
public sealed record SampleOptions
{
    public SolverKind Solver { get; init; } = SampleDefaults.Solver;
    public int Steps { get; init; } = SampleDefaults.Steps;
    public double Eta { get; init; } = SampleDefaults.Eta;
    public long Seed { get; init; } = SampleDefaults.Seed;
    public int Count { get; init; } = SampleDefaults.Count;
    /// <summary>Images generated per model call; bounds memory, not results.</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>Clamp every clean-data estimate to [-1, 1], the range the data loaders scale images to.</summary>
    public bool ClipDenoised { get; init; } = SampleDefaults.Clip;
    /// <summary>EDM's stochastic Heun (the heun solver only): <see cref="HeunChurn.None"/> keeps it deterministic.</summary>
    public HeunChurn Churn { get; init; } = HeunChurn.None;
    /// <summary>The last time the solver reaches; null means the schedule's MinTime.</summary>
    public double? EndTime { get; init; }
    /// <summary>Where the DPM solvers place their steps: uniform in lambda (DPM-Solver's logSNR) or in t (its time_uniform).</summary>
    public TimeSpacing Spacing { get; init; } = SampleDefaults.Spacing;
}
