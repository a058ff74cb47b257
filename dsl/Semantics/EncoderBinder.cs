using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Language.Syntax;
using DiffusionDsl.Runtime.Blocks;
using DiffusionDsl.Runtime.Networks;

namespace DiffusionDsl.Language.Semantics;

/// <summary>
/// Binds `encoder ddpmpp { ... }`, `encoder ncsnpp { ... }` and `encoder adm { ... }`, in the compact form (width, mult, blocks, attention at) or the
/// full form (one `level R { ... }` per resolution), and checks its shapes.
/// </summary>
internal sealed class EncoderBinder
{
    private static readonly string[] Keywords =
        { "width", "mult", "blocks", "attention", "embedding", "dropout", "groups", "middle", "augment", "level" };
    private static readonly string[] Families = EncoderFamilies.Keywords;
    private const int MaxLevels = 12;

    private readonly ValueReader _read;
    private DiagnosticBag Diagnostics => _read.Diagnostics;

    public EncoderBinder(ValueReader read) => _read = read;

    /// <summary>Where the encoder's `augment N` value is, after <see cref="Bind"/>; null when absent.</summary>
    public SourceSpan? AugmentSpan { get; private set; }

    public EncoderSpec? Bind(MsdStatement? statement, ImageShape? image)
    {
        if (statement is null) return null;
        _read.NoMoreThan(statement, 1);
        var family = _read.Option(_read.At(statement, 0, "a block family: ddpmpp, ncsnpp or adm"), "block family", Families);
        var section = new Section(statement.Body, "the encoder", Diagnostics, Keywords, repeatable: new[] { "level" }, blocks: new[] { "level" });
        if (statement.Body is null)
            Diagnostics.Error(DiagnosticIds.MissingSetting, statement.KeywordSpan, "The encoder needs a body: encoder ddpmpp { width 128  mult [2, 2, 2]  blocks 4 }");

        var widthStatement = section.Get("width");
        if (section.Missing("width") && statement.Body is not null)
            Diagnostics.Error(DiagnosticIds.MissingSetting, statement.KeywordSpan, "The encoder is missing 'width' (its stem width, e.g. width 128)");
        var width = _read.PositiveInteger(widthStatement, "width");
        // Checked here, before anything is derived from it (the noise embedding's default width has no value past it).
        if (width is not null && !ShapeRules.IsWithinMaxWidth(width.Value, Diagnostics, widthStatement!.Values[0].Span, "the stem")) width = null;
        var blocks = section.Get("blocks") is { } b ? _read.PositiveInteger(b, "blocks") : 2;
        var dropout = section.Get("dropout") is { } d ? _read.InRange(d, "dropout", 0, true, 1, false) : 0;
        var kind = EncoderFamilies.FromKeyword(family);
        var (groups, maxGroups) = BindGroups(section.Get("groups"), kind);
        var augment = section.Get("augment") is { } a ? _read.PositiveInteger(a, "augment", min: 0) : 0;
        if (augment > ShapeRules.MaxWidth)
        {
            Diagnostics.Error(DiagnosticIds.ValueOutOfRange, section.Get("augment")!.Values[0].Span, $"augment {augment} is beyond {ShapeRules.MaxWidth} (EDM's augmentation has 9 labels)");
            augment = null;
        }
        AugmentSpan = section.Get("augment")?.Values.FirstOrDefault()?.Span;
        var (heads, headChannels, attentionAt) = BindAttention(section.Get("attention"), kind);
        var middleInEncoder = BindMiddle(section.Get("middle"), kind);
        var (embedding, embeddingChannels) = BindEmbedding(section.Get("embedding"), width, widthStatement, kind);

        if (width is null || blocks is null || dropout is null || groups is null || maxGroups is null || augment is null || heads is null
            || middleInEncoder is null || embedding is null || embeddingChannels is null || image is null || family is null)
            return null;

        var levels = BindLevels(section, statement, image, width.Value, blocks.Value, attentionAt);
        if (levels is null) return null;

        var spec = new EncoderSpec(family, width.Value, levels.ToEquatableArray(), embedding.Value, EncoderFamilies.NoiseChannels(kind, embedding.Value, width.Value),
            embeddingChannels.Value, augment.Value, dropout.Value, groups.Value, heads.Value, middleInEncoder.Value, maxGroups.Value, headChannels);
        var shapes = new ShapeRules(Diagnostics, spec);
        var levelStatements = section.All("level").ToList();
        SourceSpan SpanOf(int level) => level >= 0 && level < levelStatements.Count ? levelStatements[level].Span
            : section.Get("mult")?.Span ?? statement.KeywordSpan;
        bool ok = shapes.CheckWidth(spec.StemWidth, widthStatement!.Values[0].Span, "the stem");
        // A heads count is written once, after `attention at R`: its errors go there, and once (a level's, else the bottleneck's).
        var attentionStatement = section.Get("attention");
        SourceSpan? headsSpan = attentionStatement is { Values.Count: 4 } ? attentionStatement.Values[3].Span : attentionStatement?.Span;
        foreach (var (level, index) in levels.Select((l, i) => (l, i))) ok &= shapes.CheckLevel(level, SpanOf(index), "encoder", headsSpan);
        bool headsReported = levels.Any(l => l.Attention && spec.HeadsFor(l.Width) is null);
        if (spec.HeadsFor(spec.BottleneckWidth) is null && !headsReported)
        {
            Diagnostics.Error(DiagnosticIds.HeadsDoNotDivideWidth, headsSpan ?? statement.KeywordSpan,
                $"{spec.DescribeHeads()} do not divide the bottleneck width {spec.BottleneckWidth} (its first middle block attends)");
            ok = false;
        }
        // Every norm and attention the runtime builds, from the same block list (the per-width checks above cover them
        // today; this keeps the two from drifting apart).
        return ok && shapes.CheckBlocks(NetworkPlan.Encoder(spec), "the encoder", SpanOf) ? spec : null;
    }

    private List<Level>? BindLevels(Section section, MsdStatement statement, ImageShape image, int width, int blocks,
        List<(int Resolution, SourceSpan Span)>? attentionAt)
    {
        var mult = section.Get("mult");
        var levelStatements = section.All("level").ToList();
        var levels = new List<Level>();
        bool ok = true;
        if (levelStatements.Count > 0)
        {
            if (mult is not null)
            {
                Diagnostics.Error(DiagnosticIds.IncompatibleSettings, mult.KeywordSpan, "Use either 'mult' (compact form) or 'level' blocks (full form), not both");
                return null;
            }
            var reader = new LevelReader(_read);
            for (int index = 0; index < levelStatements.Count; index++)
            {
                var level = levelStatements[index];
                var read = reader.Read(level, "encoder", blocks);
                if (read is null) { ok = false; continue; }
                // By the level's place in the list, not by the levels read so far: a level with an error of its own must not
                // shift the resolutions the later ones are held to.
                var expected = index < 31 ? image.Height >> index : 0;
                if (read.Value.Level.Resolution != expected)
                {
                    Diagnostics.Error(DiagnosticIds.ImageNotDivisible, level.Values[0].Span,
                        $"Encoder level {index} runs at {expected}x{expected} (each level halves the {image.Height}x{image.Height} image), not {read.Value.Level.Resolution}");
                    ok = false;
                }
                bool attends = read.Value.Level.Attention || (attentionAt?.Any(a => a.Resolution == expected) ?? false);
                levels.Add(read.Value.Level with { Attention = attends });
            }
        }
        else
        {
            if (mult is null)
            {
                if (section.Missing("mult") && section.Missing("level"))
                    Diagnostics.Error(DiagnosticIds.MissingSetting, statement.KeywordSpan, "The encoder needs its levels: mult [2, 2, 2] or level R { ... } blocks");
                return null;
            }
            _read.NoMoreThan(mult, 1);
            var multipliers = _read.IntegerList(_read.At(mult, 0, "channel multipliers such as [2, 2, 2]"), "a channel multiplier");
            if (multipliers is null) return null;
            foreach (var (m, span) in multipliers)
            {
                if (m < 1)
                {
                    Diagnostics.Error(DiagnosticIds.NotPositive, span, $"Channel multipliers must be positive, not {m}");
                    ok = false;
                }
                long scaled = (long)width * m;
                if (scaled > ShapeRules.MaxWidth)
                {
                    Diagnostics.Error(DiagnosticIds.ValueOutOfRange, span,
                        $"Width {width} times multiplier {m} is {scaled}, beyond the largest width, {ShapeRules.MaxWidth}");
                    ok = false;
                }
                if (levels.Count > MaxLevels) continue;
                int resolution = image.Height >> levels.Count;
                levels.Add(new Level(resolution, (int)System.Math.Min(scaled, int.MaxValue), blocks, attentionAt?.Any(a => a.Resolution == resolution) ?? false));
            }
            if (multipliers.Count > MaxLevels)
            {
                Diagnostics.Error(DiagnosticIds.ImageNotDivisible, mult.Values[0].Span,
                    $"{multipliers.Count} levels are more than {MaxLevels}; each level halves the resolution");
                return null;
            }
            if (levels.Count == 0)
            {
                Diagnostics.Error(DiagnosticIds.NotPositive, mult.Values[0].Span, "The encoder needs at least one level");
                return null;
            }
        }
        if (!ok || levels.Count == 0) return null;

        int downsampling = 1 << System.Math.Min(levels.Count - 1, 30);
        if (levels.Count > MaxLevels || image.Height % downsampling != 0)
        {
            var span = mult?.Values.FirstOrDefault()?.Span ?? levelStatements.Last().Span;
            Diagnostics.Error(DiagnosticIds.ImageNotDivisible, span,
                $"{levels.Count} levels downsample by {downsampling}, which does not divide the image size {image.Height}; use fewer levels or another size");
            return null;
        }
        if (attentionAt is not null)
        {
            foreach (var (resolution, span) in attentionAt)
            {
                if (levels.Any(l => l.Resolution == resolution)) continue;
                Diagnostics.Error(DiagnosticIds.AttentionResolutionMissing, span,
                    $"There is no {resolution}x{resolution} level; the encoder's resolutions are {string.Join(", ", levels.Select(l => l.Resolution))}");
                ok = false;
            }
        }
        return ok ? levels : null;
    }

    /// <summary>
    /// `attention at R [heads H]`: the heads of every attention, by default one, or for adm 32 channels per head (ADM's
    /// num_head_channels, latent diffusion's configs); `heads H` fixes H heads for adm too. Returns (heads, channels per
    /// head or 0, resolutions).
    /// </summary>
    private (int? Heads, int HeadChannels, List<(int Resolution, SourceSpan Span)>? At) BindAttention(MsdStatement? statement, EncoderFamily family)
    {
        int headChannels = EncoderFamilies.DefaultHeadChannels(family);
        if (statement is null) return (1, headChannels, null);
        // attention at 16 [heads 2]
        if (_read.Option(_read.At(statement, 0, "'at' and resolutions, e.g. attention at 16"), "word after 'attention'", new[] { "at" }) is null)
            return (null, 0, null);
        var at = _read.IntegerList(_read.At(statement, 1, "the resolutions, e.g. attention at 16 or attention at [16, 8]"), "an attention resolution");
        int? heads = 1;
        if (statement.Values.Count > 2)
        {
            if (_read.Option(statement.Values[2], "word after the resolutions", new[] { "heads" }) is null) return (null, 0, null);
            heads = _read.Integer(_read.At(statement, 3, "the number of heads"), "heads");
            headChannels = 0;
            if (heads is < 1)
            {
                Diagnostics.Error(DiagnosticIds.NotPositive, statement.Values[3].Span, "heads must be at least 1");
                heads = null;
            }
            _read.NoMoreThan(statement, 4);
        }
        return (heads, headChannels, at);
    }

    /// <summary>
    /// `groups G` fixes every norm's group count; `groups max M` gives each width min(M, width / 4) groups, EDM's
    /// GroupNorm rule (NVlabs/edm caps at 32, the default; the multistage paper's networks.py at 16).
    /// </summary>
    private (int? Fixed, int? Max) BindGroups(MsdStatement? statement, EncoderFamily family)
    {
        // Unwritten: EDM's rule, or ADM's GroupNorm32 (32 groups at every width).
        if (statement is null) return EncoderFamilies.DefaultGroups(family) is var unwritten ? (unwritten.Fixed, unwritten.MaxGroups) : default;
        if (statement.Values.Count > 0 && statement.Values[0] is NameValue)
        {
            _read.NoMoreThan(statement, 2);
            if (_read.Option(statement.Values[0], "word after 'groups'", new[] { "max" }) is null) return (null, null);
            var max = _read.Integer(_read.At(statement, 1, "the largest group count, e.g. groups max 16"), "groups max");
            if (max is null) return (null, null);
            if (max >= 1) return (0, max);
            Diagnostics.Error(DiagnosticIds.NotPositive, statement.Values[1].Span, $"groups max must be at least 1, not {max}");
            return (null, null);
        }
        var fixedGroups = _read.PositiveInteger(statement, "groups");
        return (fixedGroups, fixedGroups is null ? null : GroupNormRule.EdmMaxGroups);
    }

    private bool? BindMiddle(MsdStatement? statement, EncoderFamily family)
    {
        if (statement is null) return EncoderFamilies.DefaultMiddleInEncoder(family);
        _read.NoMoreThan(statement, 1);
        var where = _read.Option(_read.At(statement, 0, "encoder or decoder"), "place for the middle blocks", new[] { "encoder", "decoder" });
        if (where == "decoder" && family == EncoderFamily.Adm)
        {
            Diagnostics.Error(DiagnosticIds.IncompatibleSettings, statement.Values[0].Span,
                "An adm encoder keeps its middle blocks (ADM's middle_block) in the encoder, shared by every stage, as UNetModel_multistage does: remove 'middle decoder'");
            return null;
        }
        return where is null ? null : where == "encoder";
    }

    /// <summary>
    /// The noise embedding: positional or Fourier (by default positional for ddpmpp, Fourier for ncsnpp), both
    /// NoiseChannels/2 frequencies whose sines and cosines make NoiseChannels: twice the stem width for ncsnpp's
    /// Fourier features, else the stem width, which must then be even.
    /// </summary>
    private (NoiseEmbeddingKind?, int?) BindEmbedding(MsdStatement? statement, int? width, MsdStatement? widthStatement, EncoderFamily family)
    {
        int? defaultChannels = width is > 0 and <= ShapeRules.MaxWidth ? NoiseEmbeddingWidth.Default(width.Value) : null;
        if (statement is null)
        {
            var byDefault = EncoderFamilies.DefaultEmbedding(family);
            if (width is { } odd && EncoderFamilies.NoiseChannels(family, byDefault, odd) % 2 == 1)
            {
                Diagnostics.Error(DiagnosticIds.WrongValue, widthStatement!.Values[0].Span,
                    $"The noise embedding's width/2 frequencies (positional by default) make the stem width: it must be even, not {odd}");
                return (null, defaultChannels);
            }
            return (byDefault, defaultChannels);
        }
        _read.NoMoreThan(statement, 2);
        var kind = _read.Option(_read.At(statement, 0, "positional or fourier"), "noise embedding", new[] { "positional", "fourier" });
        int? channels = defaultChannels;
        if (statement.Values.Count > 1)
        {
            channels = _read.Integer(statement.Values[1], "the embedding width");
            if (channels is < 2 || channels % 2 == 1)
            {
                // Not positive below 1; a positive odd width is the wrong value, as an odd stem width is.
                Diagnostics.Error(channels < 1 ? DiagnosticIds.NotPositive : DiagnosticIds.WrongValue, statement.Values[1].Span, "The embedding width must be a positive even number");
                channels = null;
            }
            else if (channels > 4 * ShapeRules.MaxWidth)
            {
                Diagnostics.Error(DiagnosticIds.ValueOutOfRange, statement.Values[1].Span, $"The embedding width {channels} is beyond {4 * ShapeRules.MaxWidth}");
                channels = null;
            }
        }
        var written = kind == "fourier" ? NoiseEmbeddingKind.Fourier : kind == "positional" ? NoiseEmbeddingKind.Positional : (NoiseEmbeddingKind?)null;
        if (written is { } k && width is { } w && EncoderFamilies.NoiseChannels(family, k, w) % 2 == 1)
        {
            Diagnostics.Error(DiagnosticIds.WrongValue, statement.Values[0].Span, $"The {kind} embedding has width/2 frequencies: the encoder width must be even");
            return (null, channels);
        }
        return (written, channels);
    }
}
