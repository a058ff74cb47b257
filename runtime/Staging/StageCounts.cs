using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Staging;

/// <summary>
/// How many of <c>values</c> fall in each of <c>bins</c> bins, on the values' device. Not bincount: libtorch's CUDA
/// bincount reads the values' min and max back to the host (two hidden synchronisations, on top of the one counted read
/// of the counts that routing needs); a scatter-add of ones reads nothing.
/// </summary>
public static class StageCounts
{
    /// <param name="values">Int64 values in [0, bins).</param>
    public static Tensor Of(Tensor values, int bins) =>
        zeros(bins, dtype: ScalarType.Int64, device: values.device).scatter_add_(0, values, ones_like(values, dtype: ScalarType.Int64));
}
