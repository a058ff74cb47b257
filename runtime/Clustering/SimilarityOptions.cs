using DiffusionDsl.Runtime.Diffusion;

namespace DiffusionDsl.Runtime.Clustering;

/// <summary>How the timestep similarity of the paper (Sec. 4.2) is estimated.</summary>
public sealed record SimilarityOptions
{
    /// <summary>(x0, eps) samples per pair of times (the reference used 20).</summary>
    public int SamplesPerPair { get; init; } = 20;

    /// <summary>
    /// Two predictions agree on a coordinate when they differ by at most eta (the reference used 2/256, on data in [0, 1]:
    /// 4/256 on data in [-1, 1] under the x0 target).
    /// </summary>
    public double Eta { get; init; } = 2.0 / 256.0;

    /// <summary>What is compared: the optimal eps-predictor (the paper's Eq. 4 and Algorithm 1) or, with X0, the posterior mean (what the reference's similarity run stored).</summary>
    public PredictionTarget Target { get; init; } = PredictionTarget.Eps;

    public long Seed { get; init; } = 0;

    /// <summary>Queries (sample x time) sent through the dataset together; bounds memory.</summary>
    public int QueryBlock { get; init; } = 1024;

    /// <summary>Queries recomputed in float64 to check the float32 result.</summary>
    public int Float64CheckQueries { get; init; } = 4;
}
