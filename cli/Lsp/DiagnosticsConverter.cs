using System.Linq;
using DiffusionDsl.Language.Diagnostics;
using MsdSeverity = DiffusionDsl.Language.Diagnostics.DiagnosticSeverity;

namespace DiffusionDsl.Cli.Lsp;

/// <summary>The compiler's diagnostics as LSP diagnostics: the same IDs, messages and spans as `dotnet build` and `msd check`.</summary>
internal static class DiagnosticsConverter
{
    public static PublishDiagnosticsParams For(MsdDocumentState document) =>
        new(document.Uri, document.Version, document.Compilation.Diagnostics.Select(d => Convert(d, document.Lines)).ToList());

    public static Diagnostic Convert(MsdDiagnostic diagnostic, TextLines lines) =>
        new(lines.RangeOf(diagnostic.Span.Start, diagnostic.Span.Length), Severity(diagnostic.Severity), diagnostic.Id, "msd", diagnostic.Message);

    // LSP: 1 error, 2 warning, 3 information.
    private static int Severity(MsdSeverity severity) => severity switch
    {
        MsdSeverity.Error => 1,
        MsdSeverity.Warning => 2,
        _ => 3,
    };
}
