using System;
using System.IO;
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
    public const string CompileStep = "MsdCompile";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var rootNamespace = context.AnalyzerConfigOptionsProvider
            .Select((options, _) => options.GlobalOptions.TryGetValue("build_property.RootNamespace", out var ns) ? ns : null);

        var outputs = context.AdditionalTextsProvider
            .Where(file => file.Path.EndsWith(".msd", StringComparison.OrdinalIgnoreCase))
            .Select((file, token) => new MsdSource(file.Path, file.GetText(token)?.ToString()))
            .Combine(rootNamespace)
            .Select((input, _) => GeneratedFile.From(input.Left, input.Right))
            .WithTrackingName(CompileStep);

        context.RegisterSourceOutput(outputs, static (production, file) =>
        {
            foreach (var diagnostic in file.Diagnostics) production.ReportDiagnostic(RoslynDiagnostics.From(diagnostic, file.Path));
            if (file.Source is not null) production.AddSource(file.HintName, SourceText.From(file.Source, System.Text.Encoding.UTF8));
        });
    }
}

/// <summary>An .msd file's path and text; text is null when the file could not be read.</summary>
public sealed record MsdSource(string Path, string? Text);
