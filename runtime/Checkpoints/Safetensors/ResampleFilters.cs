using System;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Checkpoints.Safetensors;

/// <summary>
/// The reference's up/down convolutions (conv0 and skip of a "_down" or "_up" block) carry a fixed resample_filter
/// buffer, EDM's [1, 1] filter as a [1, 1, 2, 2] box of 1/4. This runtime resamples with average pooling and
/// nearest-neighbour upsampling, which equal that filter, so it keeps no such buffer: the filter is written on export
/// when asked (a strict PyTorch load_state_dict needs it) and checked, then dropped, on import.
/// </summary>
internal static class ResampleFilters
{
    public const string Suffix = ".resample_filter";
    private static readonly Regex FilteredBias = new(@"\d+x\d+_(down|up)\.(conv0|skip)\.bias$", RegexOptions.CultureInvariant);

    /// <summary>The filter key that follows <paramref name="referenceKey"/> in the reference's order, if any.</summary>
    public static string? After(string referenceKey) =>
        FilteredBias.IsMatch(referenceKey) ? referenceKey[..^".bias".Length] + Suffix : null;

    public static Tensor Create() => full(new long[] { 1, 1, 2, 2 }, 0.25f);

    public static bool IsBox(Tensor filter)
    {
        using var expected = Create();
        return filter.shape.AsSpan().SequenceEqual(expected.shape) && filter.to_type(ScalarType.Float32).Equals(expected);
    }
}
