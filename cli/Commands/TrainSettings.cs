namespace DiffusionDsl.Cli.Commands;

/// <summary>`msd train` arguments; null means the .msd's train section decides.</summary>
public sealed record TrainSettings
{
    public required string Source { get; init; }
    public string? Model { get; init; }
    public required string Data { get; init; }
    public int? Steps { get; init; }
    public int? Batch { get; init; }
    public double? LearningRate { get; init; }
    public long? Seed { get; init; }
    public string? Output { get; init; }
    public string? Resume { get; init; }
    public string? Device { get; init; }
    /// <summary>auto, fp32 or bf16 (<see cref="DiffusionDsl.Runtime.Training.MixedPrecision"/>).</summary>
    public string? Precision { get; init; }
    /// <summary>mean or sum (<see cref="DiffusionDsl.Runtime.Training.LossReduction"/>).</summary>
    public string? LossReduction { get; init; }
    public int? Limit { get; init; }
    /// <summary>Random left-right flips (TrainOptions.HorizontalFlip).</summary>
    public bool? Flip { get; init; }
    public bool Progress { get; init; } = true;
}
