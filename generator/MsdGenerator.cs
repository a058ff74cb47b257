using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using DiffusionDsl.Language;

namespace DiffusionDsl.Generator;

/// <summary>
/// Turns every *.msd AdditionalFile into a typed TorchSharp multistage U-Net. Each file is parsed,
/// checked and emitted in one cached step, so editing .cs files re-runs nothing.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class MsdGenerator : IIncrementalGenerator
{
    public const string ReadStep = "MsdRead";
    public const string CompileStep = "MsdCompile";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var properties = context.AnalyzerConfigOptionsProvider.Select((options, _) => new BuildProperties(
            options.GlobalOptions.TryGetValue("build_property.RootNamespace", out var ns) ? ns : null,
            options.GlobalOptions.TryGetValue("build_property.ProjectDir", out var dir) && dir.Length > 0 ? dir : null));

        var outputs = context.AdditionalTextsProvider
            .Where(file => file.Path.EndsWith(".msd", StringComparison.OrdinalIgnoreCase))
            .Select((file, token) => Read(file, token))
            .WithTrackingName(ReadStep)
            .Combine(properties)
            .Select((input, token) => GeneratedFile.From(input.Left, input.Right.RootNamespace, input.Right.ProjectDir, token))
            .WithTrackingName(CompileStep);

        // Every file is compiled on its own (and cached); only adding the sources sees them all, to keep hint names unique.
        context.RegisterSourceOutput(outputs.Collect(), static (production, files) =>
        {
            var paths = new HashSet<string>(StringComparer.Ordinal);
            var hints = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            // Working files' types and namespaces, taken in path order, so which of two clashing files gets the error does
            // not depend on the order the build lists them in; then the stand-ins', each only where it clashes with
            // nothing taken (a stand-in only spares the user's C# follow-on errors, and two that clash would add some).
            var clashes = new TypeClashes();
            var clashOf = new Dictionary<string, DiffusionDsl.Language.Diagnostics.MsdDiagnostic>(StringComparer.Ordinal);
            var unique = files.Where(f => f.Source is not null).GroupBy(f => f.Path).Select(g => g.First()).OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
            foreach (var file in unique.Where(f => !f.IsStandIn))
                if (clashes.Find(file) is { } clash) clashOf[file.Path] = clash;
            var standIns = new HashSet<string>(unique.Where(f => f.IsStandIn && clashes.TryTake(f.Declares!, f.Path)).Select(f => f.Path), StringComparer.Ordinal);
            foreach (var file in files)
            {
                // The same .msd listed twice as AdditionalFiles is one model: add it once.
                if (!paths.Add(file.Path)) continue;
                try
                {
                    foreach (var diagnostic in file.Diagnostics) production.ReportDiagnostic(RoslynDiagnostics.From(diagnostic, file.Path));
                    if (file.IsStandIn && !standIns.Contains(file.Path)) continue;
                    // Two working files whose types share names would fail in the generated C# (CS0101): said at the .msd instead.
                    if (clashOf.TryGetValue(file.Path, out var typeClash))
                    {
                        production.ReportDiagnostic(RoslynDiagnostics.From(typeClash, file.Path));
                        continue;
                    }
                    if (file.Source is not null)
                        production.AddSource(Unique(file.HintName, hints), SourceText.From(file.Source, System.Text.Encoding.UTF8));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    production.ReportDiagnostic(RoslynDiagnostics.Internal(file.Path, $"Internal error adding the generated C# ({e.GetType().Name}: {e.Message})"));
                }
            }
        });
    }

    /// <summary>The file's text, or null (reported as "Could not read") when reading it fails: the generator never throws.</summary>
    private static MsdSource Read(AdditionalText file, System.Threading.CancellationToken token)
    {
        try
        {
            return new MsdSource(file.Path, file.GetText(token)?.ToString());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new MsdSource(file.Path, null);
        }
    }

    /// <summary>Hint names already differ by a hash of the path; a counter covers a hash collision rather than throwing.</summary>
    private static string Unique(string hint, HashSet<string> taken)
    {
        var unique = hint;
        for (int n = 2; !taken.Add(unique); n++) unique = hint.Replace(".msd.g.cs", $".{n}.msd.g.cs");
        return unique;
    }
}

/// <summary>An .msd file's path and text; text is null when the file could not be read.</summary>
public sealed record MsdSource(string Path, string? Text);

/// <summary>The MSBuild properties the generator reads (null when the build does not pass them).</summary>
internal sealed record BuildProperties(string? RootNamespace, string? ProjectDir);
