using DiffusionDsl.Language.Semantics;

namespace DiffusionDsl.Language.Cost;

/// <summary>Compile-time parameter counts and forward GFLOPs (2 x multiply-accumulates per image).</summary>
public sealed record ModelCost(
    long SharedParameters,
    EquatableArray<long> DecoderParameters,
    EquatableArray<long> ActiveParameters,
    EquatableArray<double> GFlopsPerStage)
{
    public long TotalParameters
    {
        get
        {
            long total = SharedParameters;
            foreach (var d in DecoderParameters) total += d;
            return total;
        }
    }
}
