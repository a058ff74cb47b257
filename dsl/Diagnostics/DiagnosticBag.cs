using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Language.Syntax;

namespace DiffusionDsl.Language.Diagnostics;

/// <summary>Collects diagnostics, turning spans into line positions.</summary>
public sealed class DiagnosticBag
{
    private readonly List<MsdDiagnostic> _items = new();
    private readonly LineMap _lines;

    public DiagnosticBag(LineMap lines) => _lines = lines;

    public int ErrorCount => _items.Count(d => d.IsError);
    public bool HasErrors => ErrorCount > 0;
    public IReadOnlyList<MsdDiagnostic> Items => _items;

    public void Error(string id, SourceSpan span, string message) => Add(id, DiagnosticSeverity.Error, span, message);
    public void Warning(string id, SourceSpan span, string message) => Add(id, DiagnosticSeverity.Warning, span, message);

    private void Add(string id, DiagnosticSeverity severity, SourceSpan span, string message)
    {
        int start = System.Math.Max(0, System.Math.Min(span.Start, _lines.TextLength));
        int end = System.Math.Max(start, System.Math.Min(span.End, _lines.TextLength));
        var clamped = SourceSpan.FromBounds(start, end);
        _items.Add(new MsdDiagnostic(id, severity, message, clamped, _lines.PositionOf(start), _lines.PositionOf(end)));
    }
}
