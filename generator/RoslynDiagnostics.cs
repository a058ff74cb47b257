using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using DiffusionDsl.Language.Diagnostics;
using LanguageSeverity = DiffusionDsl.Language.Diagnostics.DiagnosticSeverity;

namespace DiffusionDsl.Generator;

/// <summary>Turns diagnostics-as-data into Roslyn diagnostics located in the .msd file, each with its ID's <see cref="MsdDescriptors">descriptor</see>.</summary>
internal static class RoslynDiagnostics
{
    /// <summary>Descriptors for IDs <see cref="MsdDescriptors"/> lacks (a test keeps this empty); never a reason to throw.</summary>
    private static readonly ConcurrentDictionary<string, DiagnosticDescriptor> Unlisted = new();

    public static Diagnostic From(MsdDiagnostic diagnostic, string path)
    {
        var descriptor = MsdDescriptors.Find(diagnostic.Id) ?? Unlisted.GetOrAdd(diagnostic.Id, id => new DiagnosticDescriptor(
            id, "DiffusionDsl diagnostic", "{0}", "DiffusionDsl", ToRoslyn(diagnostic.Severity), isEnabledByDefault: true, helpLinkUri: MsdDescriptors.HelpLink));
        var location = Location.Create(path,
            new TextSpan(diagnostic.Span.Start, diagnostic.Span.Length),
            new LinePositionSpan(new LinePosition(diagnostic.Start.Line, diagnostic.Start.Character),
                                 new LinePosition(diagnostic.End.Line, diagnostic.End.Character)));
        var severity = ToRoslyn(diagnostic.Severity);
        return severity == descriptor.DefaultSeverity
            ? Diagnostic.Create(descriptor, location, diagnostic.Message)
            : Diagnostic.Create(descriptor, location, severity, additionalLocations: null, properties: null, diagnostic.Message);
    }

    /// <summary>MSD0999 at the start of <paramref name="path"/>.</summary>
    public static Diagnostic Internal(string path, string message) =>
        Diagnostic.Create(MsdDescriptors.InternalError, Location.Create(path, default, default), message);

    private static Microsoft.CodeAnalysis.DiagnosticSeverity ToRoslyn(LanguageSeverity severity) => severity switch
    {
        LanguageSeverity.Error => Microsoft.CodeAnalysis.DiagnosticSeverity.Error,
        LanguageSeverity.Warning => Microsoft.CodeAnalysis.DiagnosticSeverity.Warning,
        _ => Microsoft.CodeAnalysis.DiagnosticSeverity.Info,
    };
}
