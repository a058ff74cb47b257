using System;
using System.Collections.Generic;
using DiffusionDsl.Runtime.Staging;

namespace DiffusionDsl.Runtime.Training;

/// <summary>
/// Training compute from the compiler's static cost table: every sample trained in stage k costs its forward GFLOPs
/// per image (the shared encoder plus stage k's decoder) times 3, a forward and a backward pass at about twice the
/// forward's cost (the usual estimate, as in Kaplan et al.'s 6N per token).
/// </summary>
public static class TrainingCompute
{
    /// <summary>Forward plus backward, in forward passes.</summary>
    public const double ForwardAndBackward = 3;

    /// <summary>Sum over stages of GFLOPs per image x samples trained in that stage x 3.</summary>
    public static double GFlops(ModelCostTable cost, IReadOnlyList<long> stageSamples)
    {
        if (stageSamples.Count != cost.Stages.Count)
            throw new ArgumentException($"{stageSamples.Count} stage counts for a cost table of {cost.Stages.Count} stages.", nameof(stageSamples));
        double total = 0;
        for (int k = 0; k < stageSamples.Count; k++) total += cost.Stages[k].GFlops * stageSamples[k];
        return ForwardAndBackward * total;
    }
}
