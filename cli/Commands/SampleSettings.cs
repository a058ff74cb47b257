namespace DiffusionDsl.Cli.Commands;

/// <summary>`msd sample` arguments; null means the .msd's sample section decides.</summary>
public sealed record SampleSettings
{
    public required string Source { get; init; }
    public string? Model { get; init; }
    public required string Checkpoint { get; init; }
    public required string Output { get; init; }
    public int? Count { get; init; }
    public int? Steps { get; init; }
    public string? Solver { get; init; }
    public long? Seed { get; init; }
    public bool Ema { get; init; } = true;
    /// <summary>Clamp clean-data estimates to [-1, 1]; null means the .msd's sample section decides.</summary>
    public bool? Clip { get; init; }
    /// <summary>Where a vp, cosine or ddpm model's sampling stops; null means the .msd's sample section decides.</summary>
    public double? EndTime { get; init; }
    /// <summary>heun's churn (EDM's S_churn); null means the .msd's sample section decides.</summary>
    public double? Churn { get; init; }
    /// <summary>The DPM solvers' step spacing (logsnr or time); null means the .msd's sample section decides.</summary>
    public string? Spacing { get; init; }
    public int Scale { get; init; } = 2;
    public string? Device { get; init; }
}
