namespace DiffusionDsl.Cli.Commands;

/// <summary>
/// `msd evaluate` arguments. Either <see cref="Source"/> (a built model, sampled with <see cref="Checkpoint"/> and the
/// sampling options) or <see cref="Images"/> (an image set already written) gives the images to score.
/// </summary>
public sealed record EvaluateSettings
{
    public string? Source { get; init; }
    public string? Model { get; init; }
    public string? Checkpoint { get; init; }
    public string? Images { get; init; }
    /// <summary>Image side in a PNG grid given as <see cref="Images"/>; null infers it from the grid's padding.</summary>
    public int? Tile { get; init; }
    /// <summary>The reference images; null means Debian's Fashion-MNIST folder.</summary>
    public string? Data { get; init; }
    /// <summary>Use only the first N reference images.</summary>
    public int? ReferenceCount { get; init; }
    public int? Count { get; init; }
    /// <summary>fashion or inception.</summary>
    public string Features { get; init; } = EvaluateCommand.FashionFeatures;
    public string? InceptionWeights { get; init; }
    /// <summary>pytorch-fid or tensorflow; null: pytorch-fid.</summary>
    public string? InceptionPreprocessing { get; init; }
    /// <summary>Weights for the fashion feature network; null means the ones built into the runtime.</summary>
    public string? FashionWeights { get; init; }
    public string? Json { get; init; }
    /// <summary>Where reference features are kept between runs; null: the default cache folder; "none": no cache.</summary>
    public string? FeatureCache { get; init; }
    public int? Steps { get; init; }
    public string? Solver { get; init; }
    public long? Seed { get; init; }
    public bool Ema { get; init; } = true;
    public bool? Clip { get; init; }
    public double? EndTime { get; init; }
    public double? Churn { get; init; }
    public string? Spacing { get; init; }
    public string? Device { get; init; }
}
