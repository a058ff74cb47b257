using System.Collections.Generic;
using DiffusionDsl.Runtime.Schedules;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Clustering;

/// <summary>Which rule turns the similarity matrix (or the schedule) into boundaries.</summary>
public enum ClusteringMethod
{
    /// <summary>Exact k-stage contiguous partition maximising within-stage similarity (any k).</summary>
    Partition,
    /// <summary>The paper's Algorithm 1 with alpha (k = 3 only).</summary>
    Algorithm1,
    /// <summary>Baseline: equal stages in t.</summary>
    Uniform,
    /// <summary>Baseline: k-medians of log-SNR.</summary>
    LogSnrKMedians,
}

/// <summary>Everything <see cref="TimestepClustering.Run"/> needs.</summary>
public sealed record ClusteringOptions
{
    /// <summary>Training images [N, ...] in the diffusion's data space (e.g. an ImageDataset's Images, in [-1, 1]).</summary>
    public required Tensor Data { get; init; }

    public required INoiseSchedule Schedule { get; init; }

    public int Stages { get; init; } = 3;

    public ClusteringMethod Method { get; init; } = ClusteringMethod.Partition;

    /// <summary>Algorithm 1's threshold on the mean similarity to the end time.</summary>
    public double Alpha { get; init; } = 0.9;

    /// <summary>Number of evenly spaced grid times (the reference used 21); ignored when <see cref="Grid"/> is set.</summary>
    public int GridSize { get; init; } = 21;

    /// <summary>Explicit ascending grid times, instead of <see cref="GridSize"/>.</summary>
    public IReadOnlyList<double>? Grid { get; init; }

    public SimilarityOptions Similarity { get; init; } = new();

    /// <summary>Images per chunk of the streamed softmax.</summary>
    public int ChunkSize { get; init; } = 2048;
}
