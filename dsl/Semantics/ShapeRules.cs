using System;
using System.Collections.Generic;
using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Language.Syntax;
using DiffusionDsl.Runtime.Networks;

namespace DiffusionDsl.Language.Semantics;

/// <summary>Width rules shared by the encoder and the decoders: GroupNorm groups and attention heads divide widths.</summary>
internal sealed class ShapeRules
{
    private readonly DiagnosticBag _diagnostics;
    private readonly EncoderSpec _encoder;

    public ShapeRules(DiagnosticBag diagnostics, EncoderSpec encoder)
    {
        _diagnostics = diagnostics;
        _encoder = encoder;
    }

    /// <summary>The widest level (and stem) a model may have.</summary>
    public const int MaxWidth = 65536;

    /// <summary>Reports a width beyond <see cref="MaxWidth"/> at <paramref name="span"/>; true when it is within.</summary>
    public static bool IsWithinMaxWidth(int width, DiagnosticBag diagnostics, SourceSpan span, string what)
    {
        if (width <= MaxWidth) return true;
        diagnostics.Error(DiagnosticIds.ValueOutOfRange, span, $"The width of {what} ({width}) is beyond {MaxWidth}");
        return false;
    }

    public bool CheckWidth(int width, SourceSpan span, string what)
    {
        if (!IsWithinMaxWidth(width, _diagnostics, span, what)) return false;
        int groups = _encoder.GroupsFor(width);
        if (width % groups == 0) return true;
        _diagnostics.ErrorOnce(DiagnosticIds.WidthNotDivisibleByGroups, span,
            $"The width of {what} ({width}) is not divisible by its {groups} GroupNorm groups; use a multiple of {groups}");
        return false;
    }

    /// <summary>
    /// Every GroupNorm and every attention of <paramref name="blocks"/> (a <see cref="NetworkPlan"/>), as the runtime
    /// builds them: a decoder block's input norm sees the width from below plus the encoder's skip. Reports the first
    /// problem of each level at <paramref name="spanOfLevel"/>(level index; -1 for the middle blocks).
    /// </summary>
    public bool CheckBlocks(IEnumerable<BlockPlan> blocks, string owner, Func<int, SourceSpan> spanOfLevel)
    {
        bool ok = true;
        var reported = new HashSet<int>();
        foreach (var block in blocks)
        {
            string where = $"{owner}'s {(block.Level < 0 ? "" : $"{block.Resolution}x{block.Resolution} ")}{block.Name}";
            foreach (var (norm, channels) in NetworkPlan.Norms(block))
            {
                int groups = _encoder.GroupsFor(channels);
                if (channels % groups == 0) continue;
                ok = false;
                if (!reported.Add(block.Level)) break;
                string parts = norm == "norm0" && block.Skip > 0 ? $" ({block.FromBelow} from the level below + {block.Skip} from the encoder's skip)" : "";
                _diagnostics.ErrorOnce(DiagnosticIds.WidthNotDivisibleByGroups, spanOfLevel(block.Level),
                    $"The {(norm == "norm0" ? "input" : "output")} of {where} has {channels} channels{parts}, which its {groups} GroupNorm groups do not divide; {GroupsAdvice(channels, groups)}");
                break;
            }
            if (block.Attention && _encoder.HeadsFor(block.OutChannels) is null)
            {
                ok = false;
                if (reported.Add(block.Level))
                    _diagnostics.ErrorOnce(DiagnosticIds.HeadsDoNotDivideWidth, spanOfLevel(block.Level),
                        $"{_encoder.DescribeHeads()} do not divide the {block.OutChannels} channels {where} attends over");
            }
        }
        return ok;
    }

    /// <summary>The norm before a decoder's output conv.</summary>
    private string GroupsAdvice(int channels, int groups) => _encoder.Groups > 0
        ? $"with 'groups {groups}' every width, and every decoder width plus the skip it takes, must be a multiple of {groups}"
        : $"'groups max {_encoder.MaxGroups}' gives {channels} channels min({_encoder.MaxGroups}, {channels} / 4) = {groups} groups; widths that are multiples of {4 * _encoder.MaxGroups} always divide";

    /// <param name="headsSpan">Where the heads are written, for a heads error (the level's span when null).</param>
    public bool CheckLevel(Level level, SourceSpan span, string owner, SourceSpan? headsSpan = null)
    {
        string what = $"the {owner}'s {level.Resolution}x{level.Resolution} level";
        bool ok = CheckWidth(level.Width, span, what);
        if (level.Attention && _encoder.HeadsFor(level.Width) is null)
        {
            _diagnostics.ErrorOnce(DiagnosticIds.HeadsDoNotDivideWidth, headsSpan ?? span,
                $"{_encoder.DescribeHeads()} do not divide the width of {what} ({level.Width})");
            ok = false;
        }
        if (level.Blocks > 64)
        {
            _diagnostics.Error(DiagnosticIds.ValueOutOfRange, span, $"{level.Blocks} blocks in {what} is beyond 64");
            ok = false;
        }
        return ok;
    }
}
