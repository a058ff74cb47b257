using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Language.Syntax;

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

    public bool CheckWidth(int width, SourceSpan span, string what)
    {
        if (width > 65536)
        {
            _diagnostics.Error(DiagnosticIds.ValueOutOfRange, span, $"The width of {what} ({width}) is beyond 65536");
            return false;
        }
        int groups = _encoder.GroupsFor(width);
        if (width % groups == 0) return true;
        _diagnostics.Error(DiagnosticIds.WidthNotDivisibleByGroups, span,
            $"The width of {what} ({width}) is not divisible by its {groups} GroupNorm groups; use a multiple of {groups}");
        return false;
    }

    public bool CheckLevel(LevelSpec level, SourceSpan span, string owner)
    {
        string what = $"the {owner}'s {level.Resolution}x{level.Resolution} level";
        bool ok = CheckWidth(level.Width, span, what);
        if (level.Attention && level.Width % _encoder.Heads != 0)
        {
            _diagnostics.Error(DiagnosticIds.HeadsDoNotDivideWidth, span,
                $"{_encoder.Heads} attention heads do not divide the width of {what} ({level.Width})");
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
