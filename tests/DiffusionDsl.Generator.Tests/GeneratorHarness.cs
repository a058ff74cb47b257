using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace DiffusionDsl.Generator.Tests;

/// <summary>Runs <see cref="MsdGenerator"/> in a CSharpGeneratorDriver over in-memory .msd files.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        _ = typeof(DiffusionDsl.Runtime.Networks.MultistageUNet);
        _ = typeof(TorchSharp.torch);
        return AppDomain.CurrentDomain.GetAssemblies()
            .Append(typeof(DiffusionDsl.Runtime.Diffusion.PredictionTarget).Assembly) // DiffusionDsl.Vocabulary, which may not be loaded yet
            .Distinct()
            .Where(a => !a.IsDynamic && !string.IsNullOrEmpty(a.Location) && a != typeof(GeneratorHarness).Assembly)
            .Select(a => (MetadataReference)MetadataReference.CreateFromFile(a.Location))
            .ToArray();
    });

    public static CSharpCompilation NewCompilation(params string[] sources) =>
        CSharpCompilation.Create("Scratch",
            sources.Select(s => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Latest))),
            References.Value,
            // Every warning wave on, as a .NET 10 project's build has them (CS8981 is wave 7's).
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999));

    public static GeneratorDriver NewDriver(params (string Path, string Text)[] files) => NewDriver(null, files);

    /// <summary>A driver whose build properties say the project lives in <paramref name="projectDir"/> (as MSBuild's ProjectDir does).</summary>
    public static GeneratorDriver NewDriver(string? projectDir, params (string Path, string Text)[] files) =>
        CSharpGeneratorDriver.Create(
            new[] { new MsdGenerator().AsSourceGenerator() },
            files.Select(f => (AdditionalText)new InMemoryAdditionalText(f.Path, f.Text)),
            new CSharpParseOptions(LanguageVersion.Latest),
            new BuildPropertiesProvider(projectDir is null ? new() : new() { ["build_property.ProjectDir"] = projectDir }),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator and compiles its output; returns the output compilation's diagnostics and the generator's.</summary>
    public static (Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics) Run(params (string Path, string Text)[] files) =>
        Run(NewCompilation(), files);

    /// <summary>Runs the generator over <paramref name="compilation"/> (the user's own C#) and compiles its output with it.</summary>
    public static (Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics) Run(Compilation compilation, params (string Path, string Text)[] files)
    {
        var driver = NewDriver(files);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return (output, diagnostics);
    }

    public static string ReadModel(string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Models", file));
}

internal sealed class BuildPropertiesProvider : AnalyzerConfigOptionsProvider
{
    private static readonly Options Empty = new(new Dictionary<string, string>());

    public BuildPropertiesProvider(Dictionary<string, string> global) => GlobalOptions = new Options(global);

    public override AnalyzerConfigOptions GlobalOptions { get; }

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Empty;

    private sealed class Options : AnalyzerConfigOptions
    {
        private readonly Dictionary<string, string> _values;

        public Options(Dictionary<string, string> values) => _values = values;

        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => _values.TryGetValue(key, out value);
    }
}

internal sealed class InMemoryAdditionalText : AdditionalText
{
    private readonly SourceText _text;

    public InMemoryAdditionalText(string path, string text)
    {
        Path = path;
        _text = SourceText.From(text);
    }

    public override string Path { get; }

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}
