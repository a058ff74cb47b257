namespace DiffusionDsl.Cli.Commands;

/// <summary>What `msd cluster` was asked to do.</summary>
public sealed record ClusterSettings
{
    public required string Data { get; init; }
    /// <summary>vp, edm, cosine or ddpm with default parameters; null: the --msd file's schedule, else vp.</summary>
    public string? Schedule { get; init; }
    public int Stages { get; init; } = 3;
    /// <summary>dp (exact contiguous partition), algorithm1 (the paper's, 3 stages), uniform or logsnr (baselines).</summary>
    public string Method { get; init; } = "dp";
    public double Alpha { get; init; } = 0.9;
    public double Eta { get; init; } = 2.0 / 256.0;
    /// <summary>What the similarity compares: eps (the paper's Eq. 4 and Algorithm 1) or x0 (the posterior mean, which the reference's own similarity run stored).</summary>
    public string Target { get; init; } = "eps";
    public int Grid { get; init; } = 21;
    public int Samples { get; init; } = 20;
    public int? Limit { get; init; }
    public long Seed { get; init; }
    public string? Msd { get; init; }
    public string? Heatmap { get; init; }
}
