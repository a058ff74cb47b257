using DiffusionDsl.Runtime.Evaluation;
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

    /// <summary>
    /// The feature network for quality evaluations (every TrainOptions.EvalEvery steps). Null: the built-in
    /// <see cref="FashionFeatureNetwork"/> for 1x28x28 data, and no evaluations (with one message) for other shapes.
    /// </summary>
    public IFeatureExtractor? QualityFeatures { get; init; }

    /// <summary>
    /// The reference features, in <see cref="QualityFeatures"/>' space (e.g. <see cref="ReferenceSet.FashionMnistTest"/>).
    /// Null: <see cref="QualityReferenceCount"/> training images, drawn once with a generator of their own.
    /// </summary>
    public ReferenceSet? QualityReference { get; init; }

    /// <summary>How many training images the default reference holds; null: TrainOptions.EvalCount (equal sizes, as precision/recall compare them).</summary>
    public int? QualityReferenceCount { get; init; }
}
