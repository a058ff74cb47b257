using System.Collections.Generic;
using System.Linq;

namespace DiffusionDsl.Runtime.Staging;

/// <summary>One stage's compile-time cost: its decoder's parameters, the parameters active in it, and GFLOPs per image.</summary>
public sealed record StageCost(string Stage, long DecoderParameters, long ActiveParameters, double GFlops);

/// <summary>
/// The compiler's cost table for a model: its cost model computes it, the generator writes it as the model's static
/// <c>Cost</c>, and the trainer counts training GFLOPs from it. Two tables with the same figures are equal.
/// </summary>
public sealed record ModelCostTable(long SharedParameters, IReadOnlyList<StageCost> Stages)
{
    public long TotalParameters => SharedParameters + Stages.Sum(s => s.DecoderParameters);

    public bool Equals(ModelCostTable? other) =>
        other is not null && SharedParameters == other.SharedParameters && Stages.SequenceEqual(other.Stages);

    public override int GetHashCode() => SharedParameters.GetHashCode() * 31 + Stages.Count;

    /// <summary>Parameters and GFLOPs per stage; GFLOPs to three significant digits, as a small model's 0.00436 would be 0.00 to two decimals.</summary>
    public override string ToString() => System.FormattableString.Invariant(
        $"shared {SharedParameters:N0}; ") + string.Join("; ", Stages.Select(s => System.FormattableString.Invariant(
        $"{s.Stage}: decoder {s.DecoderParameters:N0}, active {s.ActiveParameters:N0}, {s.GFlops:G3} GFLOPs")));
}
