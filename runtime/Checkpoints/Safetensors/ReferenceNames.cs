using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffusionDsl.Runtime.Checkpoints.Safetensors;

/// <summary>
/// Maps this runtime's state_dict keys to the reference code's (EDM networks.py as extended by the multistage paper)
/// and back:
/// <list type="bullet">
/// <item><c>encoder.X</c> ↔ <c>X</c> (SongUNet's <c>map_*</c> and <c>enc.*</c>);</item>
/// <item><c>&lt;stage k&gt;.dec.Y</c> ↔ <c>decs.&lt;k&gt;.Y</c> (MultistageUNet), or ↔ <c>dec.Y</c> for a one-stage
/// model (the unified SongUNet); a one-stage model also reads <c>decs.0.Y</c>;</item>
/// <item>an optional prefix on every reference key: <c>model.</c> when the net sits in EDMPrecond.</item>
/// <item>for an ADM encoder (latent diffusion's openaimodel.py, UNetModel_multistage): <c>encoder.X</c> ↔ <c>X</c>
/// (<c>time_embed.*</c>, <c>input_blocks.*</c>, <c>middle_block.*</c>), <c>&lt;stage k&gt;.output_blocks.Y</c> ↔
/// <c>de_modules.&lt;k&gt;.Y</c> and <c>&lt;stage k&gt;.out.Y</c> ↔ <c>outs.&lt;k&gt;.Y</c>, or ↔ <c>output_blocks.Y</c> and
/// <c>out.Y</c> for a one-stage model (the unified UNetModel).</item>
/// </list>
/// The reference's up/down convolutions also hold a <c>resample_filter</c> buffer with no counterpart here; see
/// <see cref="SafetensorsWeights"/>.
/// </summary>
public sealed class ReferenceNames
{
    public const string EncoderPrefix = "encoder.";
    public const string PreconditionerPrefix = "model.";
    private const string DecoderPart = "dec.";
    private const string MultistageDecoders = "decs.";

    /// <summary>A decoder's part: its name under the stage here, under the unified reference, and the multistage reference's list of them.</summary>
    private static readonly (string Native, string Unified, string Multistage)[] DecoderParts =
    {
        (DecoderPart, DecoderPart, MultistageDecoders),
        ("output_blocks.", "output_blocks.", "de_modules."),
        ("out.", "out.", "outs."),
    };

    private static readonly string[] EncoderParts = { "map_", "enc.", "time_embed.", "input_blocks.", "middle_block." };

    private readonly IReadOnlyList<string> _stages;
    private readonly Dictionary<string, int> _stageIndex;

    /// <summary>Stage names in stage order, as the .msd writes them; <paramref name="prefix"/> goes before every reference key.</summary>
    public ReferenceNames(IReadOnlyList<string> stageNames, string prefix = "")
    {
        if (stageNames.Count == 0) throw new ArgumentException("A model has at least one stage.", nameof(stageNames));
        _stages = stageNames.ToList();
        _stageIndex = _stages.Select((name, k) => (name, k)).ToDictionary(p => p.name, p => p.k);
        Prefix = prefix;
    }

    public string Prefix { get; }
    public bool Unified => _stages.Count == 1;

    /// <summary>The reference key for one of this runtime's keys; throws for a key outside encoder.* and the stages.</summary>
    public string ToReference(string native)
    {
        if (native.StartsWith(EncoderPrefix, StringComparison.Ordinal)) return Prefix + native[EncoderPrefix.Length..];
        int dot = native.IndexOf('.');
        if (dot > 0 && _stageIndex.TryGetValue(native[..dot], out int k))
            foreach (var (part, unified, multistage) in DecoderParts)
            {
                if (!native.AsSpan(dot + 1).StartsWith(part, StringComparison.Ordinal)) continue;
                var rest = native[(dot + 1 + part.Length)..];
                return Prefix + (Unified ? unified + rest : $"{multistage}{k}.{rest}");
            }
        throw new ArgumentException($"'{native}' is neither an encoder key (encoder.*) nor a stage decoder's (<stage>.dec.*, or <stage>.output_blocks.* and <stage>.out.* for adm) for stages {string.Join(", ", _stages)}.", nameof(native));
    }

    /// <summary>This runtime's key for a reference key, or null when it has none (another architecture's layer, a stage out of range).</summary>
    public string? ToNative(string reference)
    {
        if (!reference.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var key = reference[Prefix.Length..];
        foreach (var (part, unified, multistage) in DecoderParts)
        {
            if (key.StartsWith(unified, StringComparison.Ordinal))
                return Unified ? $"{_stages[0]}.{part}{key[unified.Length..]}" : null;
            if (!key.StartsWith(multistage, StringComparison.Ordinal)) continue;
            var rest = key[multistage.Length..];
            int dot = rest.IndexOf('.');
            if (dot <= 0 || !int.TryParse(rest.AsSpan(0, dot), System.Globalization.NumberStyles.None, null, out int k) || k >= _stages.Count)
                return null;
            return $"{_stages[k]}.{part}{rest[(dot + 1)..]}";
        }
        if (EncoderParts.Any(part => key.StartsWith(part, StringComparison.Ordinal)))
            return EncoderPrefix + key;
        return null;
    }
}
