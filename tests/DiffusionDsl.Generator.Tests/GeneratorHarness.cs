using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
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
            .Where(a => !a.IsDynamic && !string.IsNullOrEmpty(a.Location) && a != typeof(GeneratorHarness).Assembly)
            .Select(a => (MetadataReference)MetadataReference.CreateFromFile(a.Location))
            .ToArray();
    });

    public static CSharpCompilation NewCompilation(params string[] sources) =>
        CSharpCompilation.Create("Scratch",
            sources.Select(s => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Latest))),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver NewDriver(params (string Path, string Text)[] files) =>
        CSharpGeneratorDriver.Create(
            new[] { new MsdGenerator().AsSourceGenerator() },
            files.Select(f => (AdditionalText)new InMemoryAdditionalText(f.Path, f.Text)),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator and compiles its output; returns the output compilation's diagnostics and the generator's.</summary>
    public static (Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics) Run(params (string Path, string Text)[] files)
    {
        var driver = NewDriver(files);
        driver.RunGeneratorsAndUpdateCompilation(NewCompilation(), out var output, out var diagnostics);
        return (output, diagnostics);
    }

    public static string ReadModel(string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Models", file));
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
