using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using DiffusionDsl.Language.Diagnostics;
using LanguageSeverity = DiffusionDsl.Language.Diagnostics.DiagnosticSeverity;

namespace DiffusionDsl.Generator;

/// <summary>Turns diagnostics-as-data into Roslyn diagnostics located in the .msd file.</summary>
internal static class RoslynDiagnostics
{
    private static readonly ConcurrentDictionary<(string, LanguageSeverity), DiagnosticDescriptor> Descriptors = new();

    public static Diagnostic From(MsdDiagnostic diagnostic, string path)
    {
        var descriptor = Descriptors.GetOrAdd((diagnostic.Id, diagnostic.Severity), key => new DiagnosticDescriptor(
            key.Item1, "DiffusionDsl .msd check", "{0}", "DiffusionDsl", ToRoslyn(key.Item2), isEnabledByDefault: true));
        var location = Location.Create(path,
            new TextSpan(diagnostic.Span.Start, diagnostic.Span.Length),
            new LinePositionSpan(new LinePosition(diagnostic.Start.Line, diagnostic.Start.Character),
                                 new LinePosition(diagnostic.End.Line, diagnostic.End.Character)));
        return Diagnostic.Create(descriptor, location, diagnostic.Message);
    }

    private static Microsoft.CodeAnalysis.DiagnosticSeverity ToRoslyn(LanguageSeverity severity) => severity switch
    {
        LanguageSeverity.Error => Microsoft.CodeAnalysis.DiagnosticSeverity.Error,
        LanguageSeverity.Warning => Microsoft.CodeAnalysis.DiagnosticSeverity.Warning,
        _ => Microsoft.CodeAnalysis.DiagnosticSeverity.Info,
    };
}
