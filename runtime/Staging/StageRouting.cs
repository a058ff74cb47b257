using System;
using System.Linq;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Staging;

/// <summary>
/// Per-sample stage routing: each stage's samples run through that stage's network part, and the results are scattered
/// back in batch order. (The reference code routes the whole batch by sample 0's stage.)
/// </summary>
public static class StageRouting
{
    /// <param name="stageOfSample">Each sample's stage index, shape [N] (<see cref="StageTable.StageOf(Tensor)"/>).</param>
    /// <param name="stageCount">How many stages there are.</param>
    /// <param name="run">
    /// The output for one stage's samples: given the stage and the samples' indices into the batch, or null when the whole
    /// batch is in that stage (the common case at sampling and with one stage per training batch, which needs no copy).
    /// </param>
    public static Tensor Route(Tensor stageOfSample, int stageCount, Func<int, Tensor?, Tensor> run)
    {
        long batch = stageOfSample.shape[0];
        var counts = HostReads.ToArray<long>(stageOfSample.bincount(null, stageCount), "StageRouting.Route");
        int only = Array.FindIndex(counts, c => c == batch);
        if (only >= 0) return run(only, null);

        Tensor? output = null;
        for (int stage = 0; stage < counts.Length; stage++)
        {
            if (counts[stage] == 0) continue;
            var indices = (stageOfSample == stage).nonzero().squeeze(1);
            var part = run(stage, indices);
            output ??= zeros(new[] { batch }.Concat(part.shape.Skip(1)).ToArray(), dtype: part.dtype, device: part.device);
            output = output.index_copy(0, indices, part);
        }
        return output!;
    }
}
