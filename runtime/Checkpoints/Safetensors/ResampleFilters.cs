using System;
using System.Linq;
using System.Text.RegularExpressions;
using DiffusionDsl.Runtime.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Checkpoints.Safetensors;

/// <summary>
/// The reference's up/down convolutions (conv0 and skip of a "_down" or "_up" block, and NCSN++'s "_aux_residual")
/// carry a fixed resample_filter buffer: EDM's [1, 1] filter as a [1, 1, 2, 2] box of 1/4, or NCSN++'s [1, 3, 3, 1]
/// as a [1, 1, 4, 4] outer product over 64. This runtime computes the filter (<see cref="Blocks.Resampling"/>) and keeps
/// no such buffer: the filter is written on export when asked (a strict PyTorch load_state_dict needs it) and checked
/// against the model's family, then dropped, on import.
/// </summary>
internal static class ResampleFilters
{
    public const string Suffix = ".resample_filter";
    private static readonly Regex FilteredBias = new(@"\d+x\d+_((down|up)\.(conv0|skip)|aux_residual)\.bias$", RegexOptions.CultureInvariant);

    /// <summary>The filter key that follows <paramref name="referenceKey"/> in the reference's order, if any.</summary>
    public static string? After(string referenceKey) =>
        FilteredBias.IsMatch(referenceKey) ? referenceKey[..^".bias".Length] + Suffix : null;

    public static bool Matches(Tensor filter, ResampleFilter expected)
    {
        using var scope = NewDisposeScope();
        var reference = Blocks.Resampling.Kernel(expected);
        return filter.shape.AsSpan().SequenceEqual(reference.shape) && filter.to_type(ScalarType.Float32).Equals(reference);
    }

    /// <summary>What the reference's filter is called, for errors.</summary>
    public static string Describe(ResampleFilter filter) =>
        filter == ResampleFilter.Box ? "EDM's [1, 1] (a [1, 1, 2, 2] box of 0.25)" : "NCSN++'s [1, 3, 3, 1] (a [1, 1, 4, 4] outer product over 64)";

    /// <summary>The filter of the module's network: its shared encoder's family's; a module without one resamples as DDPM++.</summary>
    public static ResampleFilter Of(nn.Module module) =>
        module.modules().OfType<SharedEncoder>().Select(e => EncoderFamilies.Filter(e.Layout.Family)).DefaultIfEmpty(ResampleFilter.Box).First();
}
