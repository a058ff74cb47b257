using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Language.Syntax;
using DiffusionDsl.Runtime.Networks;

namespace DiffusionDsl.Language.Semantics;

/// <summary>Reads the full block-by-block form: `level 16 { width 256  blocks 4  attention }`.</summary>
internal sealed class LevelReader
{
    private static readonly string[] Keywords = { "width", "blocks", "attention" };
    private readonly ValueReader _read;

    public LevelReader(ValueReader read) => _read = read;

    /// <returns>The level, the level statement's span, and where its blocks count is written (the statement when it is not).</returns>
    public (Level Level, SourceSpan Span, SourceSpan BlocksSpan)? Read(MsdStatement statement, string owner, int defaultBlocks)
    {
        _read.NoMoreThan(statement, 1);
        var resolution = _read.Integer(_read.At(statement, 0, "the level's resolution, e.g. level 16 { ... }"), "a level's resolution");
        var section = new Section(statement.Body, $"{owner} level", _read.Diagnostics, Keywords, flags: new[] { "attention" });
        if (statement.Body is null)
            _read.Diagnostics.Error(DiagnosticIds.MissingSetting, statement.KeywordSpan, "A level needs a body: level 16 { width 256  blocks 4 }");
        var width = _read.PositiveInteger(section.Get("width"), "width");
        if (section.Missing("width") && statement.Body is not null)
            _read.Diagnostics.Error(DiagnosticIds.MissingSetting, statement.KeywordSpan, "The level is missing 'width'");
        var blocks = section.Get("blocks") is { } b ? _read.PositiveInteger(b, "blocks") : defaultBlocks;
        var attention = section.Get("attention");
        if (attention is not null) _read.NoMoreThan(attention, 0);
        if (resolution is null || width is null || blocks is null) return null;
        return (new Level(resolution.Value, width.Value, blocks.Value, attention is not null), statement.Span,
                section.Get("blocks")?.Values.FirstOrDefault()?.Span ?? statement.Span);
    }
}
