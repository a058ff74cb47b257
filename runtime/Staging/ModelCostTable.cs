using System.Collections.Generic;
using System.Linq;

namespace DiffusionDsl.Runtime.Staging;

/// <summary>One stage's compile-time cost: its decoder's parameters, the parameters active in it, and GFLOPs per image.</summary>
public sealed record StageCost(string Stage, long DecoderParameters, long ActiveParameters, double GFlops);

/// <summary>The compiler's cost table for a generated model.</summary>
public sealed record ModelCostTable(long SharedParameters, IReadOnlyList<StageCost> Stages)
{
    public long TotalParameters => SharedParameters + Stages.Sum(s => s.DecoderParameters);

    public override string ToString() =>
        $"shared {SharedParameters:N0}; " + string.Join("; ", Stages.Select(s => $"{s.Stage}: decoder {s.DecoderParameters:N0}, active {s.ActiveParameters:N0}, {s.GFlops:F2} GFLOPs"));
}
