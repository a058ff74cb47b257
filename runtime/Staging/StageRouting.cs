using System;
using System.Linq;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Staging;

/// <summary>
/// How a batch splits into stages, known on the host: the number of samples in each stage and, for a batch that spans
/// several stages, each sample's stage index [N] (int64, on the batch's device). The trainer reads the counts once per
/// step for all its micro-batches, and a sampler step knows its one stage without reading anything, so the forward pass
/// routes without a host-device synchronisation (<see cref="StageRouting.Route"/>).
/// </summary>
public sealed record StageSplit(long[] Counts, Tensor? StageOfSample = null)
{
    /// <summary>A batch of <paramref name="batch"/> samples all in <paramref name="stage"/>.</summary>
    public static StageSplit Whole(int stage, int stageCount, long batch)
    {
        var counts = new long[stageCount];
        counts[stage] = batch;
        return new StageSplit(counts);
    }

    /// <summary>The stage that holds the whole batch, or -1 when it spans several.</summary>
    public int OnlyStage
    {
        get
        {
            long batch = Counts.Sum();
            return Array.FindIndex(Counts, c => c == batch);
        }
    }
}

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
    /// <param name="counts">
    /// The samples per stage when the caller knows them (<see cref="StageSplit"/>). Without them they are read from the
    /// device: the sub-batch sizes decide which decoders run and the shapes they run at, so routing cannot go on without
    /// them on the host (one counted read, <see cref="HostReads"/>).
    /// </param>
    public static Tensor Route(Tensor stageOfSample, int stageCount, Func<int, Tensor?, Tensor> run, long[]? counts = null)
    {
        long batch = stageOfSample.shape[0];
        if (stageCount == 1) return run(0, null);
        counts ??= HostReads.ToArray<long>(StageCounts.Of(stageOfSample, stageCount), "StageRouting.Route");
        int only = Array.FindIndex(counts, c => c == batch);
        if (only >= 0) return run(only, null);

        // The samples in stage order (a stable sort keeps each stage's samples in batch order, the order nonzero() gave):
        // stage k's indices are the next counts[k] entries. Unlike nonzero(), nothing here waits for the device.
        var order = stageOfSample.sort(stable: true).Indices;
        Tensor? output = null;
        long offset = 0;
        for (int stage = 0; stage < counts.Length; stage++)
        {
            if (counts[stage] == 0) continue;
            var indices = order.narrow(0, offset, counts[stage]);
            offset += counts[stage];
            var part = run(stage, indices);
            output ??= zeros(new[] { batch }.Concat(part.shape.Skip(1)).ToArray(), dtype: part.dtype, device: part.device);
            // index_copy needs one dtype; under autocast decoders of different shapes could end in different ones.
            if (part.dtype != output.dtype)
            {
                var wider = promote_types(output.dtype, part.dtype);
                output = output.to(wider);
                part = part.to(wider);
            }
            output = output.index_copy(0, indices, part);
        }
        return output!;
    }

    /// <summary>Routes by a known split: the whole batch to its one stage, or by <see cref="StageSplit.StageOfSample"/>.</summary>
    public static Tensor Route(StageSplit split, Func<Tensor> stageOfSample, Func<int, Tensor?, Tensor> run)
    {
        int only = split.OnlyStage;
        if (only >= 0) return run(only, null);
        return Route(split.StageOfSample ?? stageOfSample(), split.Counts.Length, run, split.Counts);
    }
}
