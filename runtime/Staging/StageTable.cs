using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Staging;

/// <summary>
/// The ordered, contiguous stages that cover diffusion time [0, 1]. A time belongs to the stage whose
/// [Start, End) holds it. The boundaries are float64 values of t computed once (by the .msd compiler, which
/// converts sigma boundaries with the runtime schedules' own formulas), and every comparison, scalar or
/// tensor, is made in float64: a float32 t is widened exactly, so both routes agree on every input.
/// </summary>
public sealed class StageTable
{
    public IReadOnlyList<StageInfo> Stages { get; }
    private readonly double[] _innerBoundaries;
    private readonly DeviceTable _boundaries;

    public StageTable(IReadOnlyList<StageInfo> stages)
    {
        if (stages.Count == 0) throw new ArgumentException("A stage table needs at least one stage.", nameof(stages));
        Stages = stages;
        _innerBoundaries = stages.Skip(1).Select(s => s.Start).ToArray();
        _boundaries = new DeviceTable(_innerBoundaries);
    }

    public int Count => Stages.Count;

    /// <summary>The stage index of time t.</summary>
    public int StageOf(double t)
    {
        int stage = 0;
        while (stage < _innerBoundaries.Length && t >= _innerBoundaries[stage]) stage++;
        return stage;
    }

    /// <summary>The stage index of every element of t (shape [N]), as int64.</summary>
    public Tensor StageOf(Tensor t)
    {
        if (_innerBoundaries.Length == 0) return zeros(t.shape[0], dtype: ScalarType.Int64, device: t.device);
        using var scope = NewDisposeScope();
        return bucketize(t.to_type(ScalarType.Float64).contiguous(), _boundaries.On(t.device), right: true).MoveToOuterDisposeScope();
    }
}
