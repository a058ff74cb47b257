using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Language.Syntax;

namespace DiffusionDsl.Language.Diagnostics;

/// <summary>
/// Collects diagnostics, turning spans into line positions. It keeps the first <see cref="MsdLimits.MaxDiagnostics"/>;
/// the rest are counted, and <see cref="Items"/> ends with one MSD0007 saying how many were left out.
/// </summary>
public sealed class DiagnosticBag
{
    private readonly List<MsdDiagnostic> _items = new();
    private readonly HashSet<(string Id, SourceSpan Span)> _reportedOnce = new();
    private readonly LineMap _lines;
    private int _errors, _omitted, _omittedErrors;
    private SourceSpan _firstOmitted;

    public DiagnosticBag(LineMap lines) => _lines = lines;

    public int ErrorCount => _errors;
    public bool HasErrors => _errors > 0;

    public IReadOnlyList<MsdDiagnostic> Items =>
        _omitted == 0 ? _items : _items.Concat(new[] { Create(DiagnosticIds.LimitExceeded, _omittedErrors > 0 ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
            _firstOmitted, $"{_omitted:N0} more diagnostic{(_omitted == 1 ? "" : "s")} not shown (at most {MsdLimits.MaxDiagnostics} are reported); fix these first") }).ToList();

    public void Error(string id, SourceSpan span, string message) => Add(id, DiagnosticSeverity.Error, span, message);

    /// <summary>
    /// An error for one written value that several checks may fail (a heads count written once that divides no width of
    /// three attended levels; a compact decoder's one width at each level): reported once per id at that value.
    /// </summary>
    public void ErrorOnce(string id, SourceSpan span, string message)
    {
        if (_reportedOnce.Add((id, span))) Add(id, DiagnosticSeverity.Error, span, message);
        else _errors++;
    }
    public void Warning(string id, SourceSpan span, string message) => Add(id, DiagnosticSeverity.Warning, span, message);

    private void Add(string id, DiagnosticSeverity severity, SourceSpan span, string message)
    {
        if (severity == DiagnosticSeverity.Error) _errors++;
        if (_items.Count < MsdLimits.MaxDiagnostics)
        {
            _items.Add(Create(id, severity, span, message));
            return;
        }
        if (_omitted++ == 0) _firstOmitted = span;
        if (severity == DiagnosticSeverity.Error) _omittedErrors++;
    }

    private MsdDiagnostic Create(string id, DiagnosticSeverity severity, SourceSpan span, string message)
    {
        int start = System.Math.Max(0, System.Math.Min(span.Start, _lines.TextLength));
        int end = System.Math.Max(start, System.Math.Min(span.End, _lines.TextLength));
        var clamped = SourceSpan.FromBounds(start, end);
        return new MsdDiagnostic(id, severity, message, clamped, _lines.PositionOf(start), _lines.PositionOf(end));
    }
}
