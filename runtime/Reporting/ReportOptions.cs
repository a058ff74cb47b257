using DiffusionDsl.Runtime.Sampling;

namespace DiffusionDsl.Runtime.Reporting;

/// <summary>What a <see cref="TrainingSession"/> shows and writes under the run's output folder.</summary>
public sealed record ReportOptions
{
    public bool ProgressBar { get; init; } = true;
    public MetricsFormat MetricsFormat { get; init; } = MetricsFormat.Csv;
    /// <summary>The sampler settings for the preview grids (every TrainOptions.SampleEvery steps and at the end).</summary>
    public SampleOptions PreviewSampling { get; init; } = new() { Solver = SolverKind.DpmSolver3, Steps = 20, Count = 16 };
    public int PreviewScale { get; init; } = 4;
}
