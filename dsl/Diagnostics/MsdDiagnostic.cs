using DiffusionDsl.Language.Syntax;

namespace DiffusionDsl.Language.Diagnostics;

/// <summary>A diagnostic as plain data: it travels through the incremental pipeline and compares by value.</summary>
public sealed record MsdDiagnostic(string Id, DiagnosticSeverity Severity, string Message, SourceSpan Span, LinePosition Start, LinePosition End)
{
    public bool IsError => Severity == DiagnosticSeverity.Error;

    public string Format(string path) =>
        $"{path}({Start.Line + 1},{Start.Character + 1}): {Severity.ToString().ToLowerInvariant()} {Id}: {Message}";

    public override string ToString() => Format("<msd>");
}
