using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Language.Syntax;
using DiffusionDsl.Runtime.Networks;

namespace DiffusionDsl.Language.Semantics;

/// <summary>
/// Binds one `decoder stage { ... }` per stage and checks that each consumes exactly the skip
/// connections the encoder produced, level by level, at matching resolutions.
/// </summary>
internal sealed class DecoderBinder
{
    private static readonly string[] Keywords = { "width", "attention", "level" };
    private readonly ValueReader _read;
    private DiagnosticBag Diagnostics => _read.Diagnostics;

    public DecoderBinder(ValueReader read) => _read = read;

    public List<DecoderSpec>? Bind(List<MsdStatement> statements, List<StageSpec> stages, EncoderSpec encoder, ImageShape image,
        string modelName, SourceSpan modelSpan, MsdStatement? stagesStatement = null, IReadOnlyList<string?>? misspeltFor = null)
    {
        var byStage = new Dictionary<string, (DecoderSpec Spec, MsdStatement Statement)>();
        // Stages a reported mistake already points to (a decoder of a misspelt stage name, a misspelt `decodr b`): not
        // also "has no decoder", whose hint would ask for a second decoder beside the misspelt one.
        var meant = new HashSet<string>(misspeltFor?.OfType<string>() ?? Enumerable.Empty<string>());
        var declared = new HashSet<string>();
        bool ok = true;
        foreach (var statement in statements)
        {
            _read.NoMoreThan(statement, 1);
            var stageName = _read.Name(_read.At(statement, 0, "the stage it decodes, e.g. decoder near_data { width 192 }"), "the decoder's stage");
            if (stageName is null) { ok = false; continue; }
            var stage = stages.FirstOrDefault(s => s.Name == stageName);
            if (stage is null)
            {
                Diagnostics.Error(DiagnosticIds.DecoderForUnknownStage, statement.Values[0].Span,
                    $"There is no stage {Display.Quote(stageName)}; {Suggestions.Hint(stageName, stages.Select(s => s.Name))}");
                if (Suggestions.Closest(stageName, stages.Select(s => s.Name)) is { } suggested) meant.Add(suggested);
                ok = false;
                continue;
            }
            if (!declared.Add(stageName))
            {
                Diagnostics.Error(DiagnosticIds.DuplicateDecoder, statement.Values[0].Span, $"Stage {Display.Quote(stageName)} already has a decoder; each stage has exactly one");
                ok = false;
                continue;
            }
            var levels = BindLevels(statement, encoder, out var spans);
            if (levels is null) { ok = false; continue; }
            var spec = new DecoderSpec(stage.Name, stage.PropertyName, modelName + stage.PropertyName + "Decoder", levels.ToEquatableArray());
            // Every norm the runtime builds: above all the inputs that concatenate an encoder skip. (The output norm has
            // the last level's width, which BindLevels checked.)
            var shapes = new ShapeRules(Diagnostics, encoder);
            string owner = $"decoder {Display.Quote(stage.Name)}";
            if (!shapes.CheckBlocks(NetworkPlan.Decoder(encoder, spec.Levels), owner, level => level >= 0 ? spans[level] : statement.Values[0].Span))
            {
                ok = false;
                continue;
            }
            byStage[stageName] = (spec, statement);
        }
        foreach (var stage in stages.Where(s => !declared.Contains(s.Name) && !meant.Contains(s.Name)))
        {
            // At the stage's own line in the stages block, where the name the decoder must repeat is written.
            var stageSpan = stagesStatement?.Body?.FirstOrDefault(line => line.Keyword == stage.Name)?.KeywordSpan ?? modelSpan;
            Diagnostics.Error(DiagnosticIds.StageWithoutDecoder, stageSpan,
                $"Stage {Display.Quote(stage.Name)} has no decoder; add: decoder {stage.Name} {{ width {encoder.StemWidth} }}");
            ok = false;
        }
        if (!ok || stages.Any(s => !byStage.ContainsKey(s.Name))) return null;

        var ordered = stages.Select(s => byStage[s.Name]).ToList();
        WarnWhenWiderNearNoise(ordered);
        return ordered.Select(d => d.Spec).ToList();
    }

    /// <summary>
    /// The decoders' own keywords, checked when they cannot be bound (the stages or the encoder have errors), so a
    /// misspelt setting is reported with those errors rather than only after they are fixed.
    /// </summary>
    public void CheckKeywords(IEnumerable<MsdStatement> statements)
    {
        foreach (var statement in statements.Where(s => s.Body is not null)) SectionOf(statement);
    }

    /// <summary>A decoder's settings; reports unknown and repeated keywords.</summary>
    private Section SectionOf(MsdStatement statement) =>
        new(statement.Body, statement.Values.Count == 0 ? "the decoder" : $"decoder {Display.Quote(statement.Values[0])}", Diagnostics, Keywords, repeatable: new[] { "level" }, blocks: new[] { "level" });

    /// <param name="spans">Where each level is written: its level statement, or the compact form's width.</param>
    private List<Level>? BindLevels(MsdStatement statement, EncoderSpec encoder, out List<SourceSpan> spans)
    {
        spans = new List<SourceSpan>();
        var section = SectionOf(statement);
        var encoderLevels = encoder.Levels.Reverse().ToList();
        var skipsPerLevel = NetworkPlan.DecoderLevelSkips(encoder);
        var levelStatements = section.All("level").ToList();
        var width = section.Get("width");
        var shapes = new ShapeRules(Diagnostics, encoder);
        var levels = new List<Level>();

        if (levelStatements.Count > 0)
        {
            if (width is not null)
            {
                Diagnostics.Error(DiagnosticIds.IncompatibleSettings, width.KeywordSpan, "Use either 'width' (compact form) or 'level' blocks (full form), not both");
                return null;
            }
            // The full form says attention level by level: a decoder-wide `attention` beside it would be ignored.
            if (section.Get("attention") is { } attentionOverride)
            {
                Diagnostics.Error(DiagnosticIds.IncompatibleSettings, attentionOverride.KeywordSpan,
                    "'attention at R' goes with the compact form ('width N'); with 'level' blocks write 'attention' inside each level that has it: level 16 { width 256  attention }");
                return null;
            }
            var reader = new LevelReader(_read);
            bool ok = true;
            for (int i = 0; i < levelStatements.Count; i++)
            {
                var read = reader.Read(levelStatements[i], "decoder", -1);
                if (read is null) { ok = false; continue; }
                var level = read.Value.Level;
                if (i >= encoderLevels.Count)
                {
                    Diagnostics.Error(DiagnosticIds.SkipMismatch, levelStatements[i].Span,
                        $"The encoder has {encoderLevels.Count} levels, so the decoder has {encoderLevels.Count}; remove this one");
                    ok = false;
                    continue;
                }
                var expected = encoderLevels[i];
                if (level.Resolution != expected.Resolution)
                {
                    Diagnostics.Error(DiagnosticIds.SkipMismatch, levelStatements[i].Values[0].Span,
                        $"Decoder level {i} must run at {expected.Resolution}x{expected.Resolution} to take the encoder's skips there, not {level.Resolution}");
                    ok = false;
                }
                int skips = skipsPerLevel[i];
                if (level.Blocks == -1) level = level with { Blocks = skips };
                else if (level.Blocks != skips)
                {
                    Diagnostics.Error(DiagnosticIds.SkipMismatch, read.Value.BlocksSpan,
                        $"The encoder produces {skips} skip connections at {expected.Resolution}x{expected.Resolution} (its {(i == encoderLevels.Count - 1 ? "stem" : "downsampling block")} and {expected.Blocks} residual blocks), so this level needs blocks {skips}, not {level.Blocks}");
                    ok = false;
                }
                ok &= shapes.CheckLevel(level, levelStatements[i].Span, "decoder");
                levels.Add(level);
                spans.Add(levelStatements[i].Span);
            }
            if (ok && levels.Count < encoderLevels.Count)
            {
                Diagnostics.Error(DiagnosticIds.SkipMismatch, statement.Values[0].Span,
                    $"The decoder has {levels.Count} levels but the encoder has {encoderLevels.Count}: every encoder level's skips must be consumed");
                ok = false;
            }
            return ok ? levels : null;
        }

        if (width is null)
        {
            if (section.Missing("width") && section.Missing("level"))
                Diagnostics.Error(DiagnosticIds.MissingSetting, statement.KeywordSpan, "The decoder needs 'width N' (compact form) or 'level R { ... }' blocks");
            return null;
        }
        var decoderWidth = _read.PositiveInteger(width, "width");
        if (decoderWidth is null) return null;
        var attention = BindAttentionOverride(section.Get("attention"), encoderLevels);
        if (attention is null) return null;
        bool fits = true;
        for (int i = 0; i < encoderLevels.Count; i++)
        {
            var level = encoderLevels[i];
            if (level.Width % encoder.StemWidth != 0)
            {
                Diagnostics.Error(DiagnosticIds.IncompatibleSettings, width.Span,
                    $"The encoder's {level.Resolution}x{level.Resolution} width {level.Width} is not a multiple of its stem width, so 'width' cannot scale it; write the decoder's levels in full");
                return null;
            }
            int multiplier = level.Width / encoder.StemWidth;
            long product = (long)decoderWidth.Value * multiplier;
            if (product > ShapeRules.MaxWidth)
            {
                // Named as computed, not as the int it would not fit in.
                Diagnostics.Error(DiagnosticIds.ValueOutOfRange, width.Values[0].Span,
                    $"Width {decoderWidth.Value} times the encoder's multiplier {multiplier} at {level.Resolution}x{level.Resolution} is {product}, beyond the largest width, {ShapeRules.MaxWidth}");
                return null;
            }
            var scaled = new Level(level.Resolution, (int)product, skipsPerLevel[i], attention.Contains(level.Resolution));
            fits &= shapes.CheckLevel(scaled, width.Values[0].Span, "decoder");
            levels.Add(scaled);
            spans.Add(width.Values[0].Span);
        }
        return fits ? levels : null;
    }

    private HashSet<int>? BindAttentionOverride(MsdStatement? statement, List<Level> encoderLevels)
    {
        if (statement is null) return new HashSet<int>(encoderLevels.Where(l => l.Attention).Select(l => l.Resolution));
        _read.NoMoreThan(statement, 2);
        if (_read.Option(_read.At(statement, 0, "'at' and resolutions"), "word after 'attention'", new[] { "at", "none" }) is not { } word) return null;
        if (word == "none")
        {
            if (statement.Values.Count > 1)
            {
                Diagnostics.Error(DiagnosticIds.WrongValue, statement.Values[1].Span, "'attention none' takes no resolutions: write 'attention at R' or 'attention none'");
                return null;
            }
            return new HashSet<int>();
        }
        var list = _read.IntegerList(_read.At(statement, 1, "resolutions"), "an attention resolution");
        if (list is null) return null;
        bool ok = true;
        foreach (var (resolution, span) in list.Where(r => encoderLevels.All(l => l.Resolution != r.Value)))
        {
            Diagnostics.Error(DiagnosticIds.AttentionResolutionMissing, span,
                $"There is no {resolution}x{resolution} level; the resolutions are {string.Join(", ", encoderLevels.Select(l => l.Resolution))}");
            ok = false;
        }
        return ok ? new HashSet<int>(list.Select(l => l.Value)) : null;
    }

    /// <summary>The paper found narrow decoders pay near the noise and wide ones near the data.</summary>
    private void WarnWhenWiderNearNoise(List<(DecoderSpec Spec, MsdStatement Statement)> ordered)
    {
        for (int i = 1; i < ordered.Count; i++)
        {
            int nearer = ordered[i - 1].Spec.Levels.Max(l => l.Width), noisier = ordered[i].Spec.Levels.Max(l => l.Width);
            if (noisier <= nearer) continue;
            var statement = ordered[i].Statement;
            Diagnostics.Warning(DiagnosticIds.WiderDecoderNearNoise, statement.Values[0].Span,
                $"Decoder {Display.Quote(ordered[i].Spec.Stage)} is wider than {Display.Quote(ordered[i - 1].Spec.Stage)}, which is nearer the data (widest levels: {noisier} vs {nearer} channels); the paper found wide decoders pay near the data and narrow ones near the noise");
        }
    }
}
