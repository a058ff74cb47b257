using System;
using System.Collections.Generic;

namespace DiffusionDsl.Runtime.Clustering;

/// <summary>
/// Boundaries from the chosen method, plus everything measured on the way. SimilarityMatrix is null for
/// the baselines, which need no data.
/// </summary>
public sealed record ClusteringResult(
    ClusteringMethod Method,
    IReadOnlyList<double> Boundaries,
    IReadOnlyList<double> Grid,
    double[,]? SimilarityMatrix,
    IReadOnlyList<int>? StageStarts,
    TwoBoundaries? Algorithm1,
    double Float64MaxDifference,
    TimeSpan Elapsed);
