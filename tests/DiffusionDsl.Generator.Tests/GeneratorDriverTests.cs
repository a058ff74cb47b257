using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DiffusionDsl.Generator.Tests;

public class GeneratorDriverTests
{
    [Theory]
    [InlineData("TinyMultistage.msd")]
    [InlineData("EdmFullForm.msd")]
    [InlineData("Cifar10Multistage.msd")]
    public void GeneratedCodeCompilesWithoutWarnings(string file)
    {
        var (output, generatorDiagnostics) = GeneratorHarness.Run(("/project/" + file, GeneratorHarness.ReadModel(file)));
        Assert.Empty(generatorDiagnostics);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Single(output.SyntaxTrees);
    }

    [Fact]
    public void BrokenMsdReportsAnErrorAtTheMsdLineAndColumnAndEmitsOnlyStandIns()
    {
        var text = GeneratorHarness.ReadModel("TinyMultistage.msd").Replace("dropout 0.1 ", "dropout 1.5 ");
        var (output, diagnostics) = GeneratorHarness.Run(("/project/Tiny.msd", text));
        var error = Assert.Single(diagnostics);
        Assert.Equal("MSD0040", error.Id);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        var span = error.Location.GetLineSpan();
        Assert.Equal("/project/Tiny.msd", span.Path);
        int line = text.Split('\n').ToList().FindIndex(l => l.Contains("dropout 1.5"));
        Assert.Equal(line, span.StartLinePosition.Line);
        Assert.Equal(text.Split('\n')[line].IndexOf("1.5"), span.StartLinePosition.Character);
        Assert.Contains("Tiny.msd has errors, so these stand-ins", Assert.Single(output.SyntaxTrees).ToString());
        Assert.Empty(output.GetDiagnostics());
    }

    [Fact]
    public void EditingOnlyCSharpFilesReusesTheCachedMsdCompilation()
    {
        var driver = GeneratorHarness.NewDriver(("/project/Tiny.msd", GeneratorHarness.ReadModel("TinyMultistage.msd")));
        var compilation = GeneratorHarness.NewCompilation("class A {}");
        driver = driver.RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        Assert.Single(first.GeneratedSources);

        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class B {}")));
        var second = driver.GetRunResult().Results.Single();
        var steps = second.TrackedSteps[MsdGenerator.CompileStep];
        Assert.NotEmpty(steps);
        Assert.All(steps.SelectMany(s => s.Outputs), o => Assert.True(
            o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step re-ran: {o.Reason}"));
        Assert.All(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.True(
            o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output re-emitted: {o.Reason}"));
    }

    /// <summary>The reasons a tracked step gave for its outputs in the driver's last run.</summary>
    private static IncrementalStepRunReason[] Reasons(GeneratorDriver driver, string step) =>
        driver.GetRunResult().Results.Single().TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();

    private static bool Reused(IncrementalStepRunReason reason) => reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged;

    /// <summary>
    /// A file saved with the same text (an editor's save, a touch) is read again, gives an equal source, and compiles and
    /// emits nothing: the read step's value is equatable, and the compile step holds nothing that is not.
    /// </summary>
    [Fact]
    public void AnMsdSavedWithTheSameTextCompilesNothingAgain()
    {
        var text = GeneratorHarness.ReadModel("TinyMultistage.msd");
        var before = new InMemoryAdditionalText("/project/Tiny.msd", text);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new MsdGenerator().AsSourceGenerator() }, new AdditionalText[] { before },
            new CSharpParseOptions(LanguageVersion.Latest), new BuildPropertiesProvider(new()),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        var compilation = GeneratorHarness.NewCompilation("class A {}");
        driver = driver.RunGenerators(compilation);

        driver = driver.ReplaceAdditionalText(before, new InMemoryAdditionalText("/project/Tiny.msd", text)).RunGenerators(compilation);
        Assert.Equal(new[] { IncrementalStepRunReason.Unchanged }, Reasons(driver, MsdGenerator.ReadStep));
        Assert.All(Reasons(driver, MsdGenerator.CompileStep), r => Assert.True(Reused(r), $"compile step re-ran: {r}"));
        Assert.All(driver.GetRunResult().Results.Single().TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
                   o => Assert.True(Reused(o.Reason), $"output re-emitted: {o.Reason}"));
    }

    /// <summary>Editing one of two .msd files compiles that one only: the other's compile is cached.</summary>
    [Fact]
    public void EditingOneOfTwoFilesCompilesThatOneOnly()
    {
        var tiny = new InMemoryAdditionalText("/p/a/Tiny.msd", GeneratorHarness.ReadModel("TinyMultistage.msd"));
        var edm = new InMemoryAdditionalText("/p/b/Edm.msd", GeneratorHarness.ReadModel("EdmFullForm.msd"));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new MsdGenerator().AsSourceGenerator() }, new AdditionalText[] { tiny, edm },
            new CSharpParseOptions(LanguageVersion.Latest), new BuildPropertiesProvider(new()),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        var compilation = GeneratorHarness.NewCompilation("class A {}");
        driver = driver.RunGenerators(compilation);

        var edited = new InMemoryAdditionalText("/p/b/Edm.msd", edm.GetText()!.ToString().Replace("steps 18", "steps 24"));
        Assert.NotEqual(edm.GetText()!.ToString(), edited.GetText()!.ToString());
        driver = driver.ReplaceAdditionalText(edm, edited).RunGenerators(compilation);
        var reasons = Reasons(driver, MsdGenerator.CompileStep);
        Assert.Equal(2, reasons.Length);
        Assert.Single(reasons, Reused);
        Assert.Single(reasons, r => r == IncrementalStepRunReason.Modified);
    }

    /// <summary>A build property the generator does not read (a define, a warning level) changes nothing it caches.</summary>
    [Fact]
    public void AnUnrelatedBuildPropertyRecompilesNothing()
    {
        // Without its namespace line, so that the root namespace decides the model's.
        var text = GeneratorHarness.ReadModel("TinyMultistage.msd").Replace("  namespace DiffusionDsl.Generator.Tests.Models\n", "");
        var driver = GeneratorHarness.NewDriver(("/project/Tiny.msd", text));
        var compilation = GeneratorHarness.NewCompilation("class A {}");
        driver = driver.RunGenerators(compilation);
        driver = driver.WithUpdatedAnalyzerConfigOptions(new BuildPropertiesProvider(new() { ["build_property.WarningLevel"] = "9999" }))
                       .RunGenerators(compilation);
        Assert.All(Reasons(driver, MsdGenerator.CompileStep), r => Assert.True(Reused(r), $"compile step re-ran: {r}"));

        // ...while the root namespace, which it does read, recompiles.
        driver = driver.WithUpdatedAnalyzerConfigOptions(new BuildPropertiesProvider(new() { ["build_property.RootNamespace"] = "Other.Models" }))
                       .RunGenerators(compilation);
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(driver, MsdGenerator.CompileStep));
    }

    [Fact]
    public void TwoModelsInOneProjectGetTwoFiles()
    {
        var (output, diagnostics) = GeneratorHarness.Run(
            ("/p/a/TinyMultistage.msd", GeneratorHarness.ReadModel("TinyMultistage.msd")),
            ("/p/b/EdmFullForm.msd", GeneratorHarness.ReadModel("EdmFullForm.msd")));
        Assert.Empty(diagnostics);
        Assert.Equal(2, output.SyntaxTrees.Count());
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    /// <summary>
    /// Two working files that would declare the same C# type (a copy of a model, or a model named like another's encoder)
    /// get an error at the second model's name, naming the first file, and the second adds no C#: no CS0101 in generated code.
    /// </summary>
    [Theory]
    [InlineData("TinyMultistage", "TinyMultistage")]
    [InlineData("TinyMultistageEncoder", "TinyMultistageEncoder")]
    public void TwoFilesDeclaringOneTypeGetAnErrorAtTheSecondModelsName(string secondName, string clashingType)
    {
        var text = GeneratorHarness.ReadModel("TinyMultistage.msd");
        var second = text.Replace("model TinyMultistage {", $"model {secondName} {{");
        var (output, diagnostics) = GeneratorHarness.Run(("/p/a/TinyMultistage.msd", text), ("/p/b/Copy.msd", second));
        var clash = Assert.Single(diagnostics);
        Assert.Equal("MSD0012", clash.Id);
        Assert.Equal(DiagnosticSeverity.Error, clash.Severity);
        var span = clash.Location.GetLineSpan();
        Assert.Equal("/p/b/Copy.msd", span.Path);
        int line = second.Split('\n').ToList().FindIndex(l => l.StartsWith("model "));
        Assert.Equal((line, "model ".Length), (span.StartLinePosition.Line, span.StartLinePosition.Character));
        Assert.True(clash.GetMessage().Contains($"would declare 'DiffusionDsl.Generator.Tests.Models.{clashingType}', which 'TinyMultistage.msd' (/p/a/TinyMultistage.msd) already declares"), clash.GetMessage());
        Assert.Single(output.SyntaxTrees);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    /// <summary>
    /// Which of two clashing files gets the error does not depend on the order the build lists them (path order decides),
    /// and a broken file's stand-ins are left out where a working file declares one of their types.
    /// </summary>
    [Fact]
    public void TypeClashesDoNotDependOnFileOrderAndStandInsGiveWay()
    {
        var text = GeneratorHarness.ReadModel("TinyMultistage.msd");
        var (_, diagnostics) = GeneratorHarness.Run(("/p/b/Copy.msd", text), ("/p/a/TinyMultistage.msd", text));
        Assert.Equal("/p/b/Copy.msd", Assert.Single(diagnostics).Location.GetLineSpan().Path);

        var broken = text.Replace("dropout 0.1 ", "dropout 1.5 ");
        var encoderNamed = text.Replace("model TinyMultistage {", "model TinyMultistageEncoder {");
        var (output, brokenDiagnostics) = GeneratorHarness.Run(("/p/a/Broken.msd", broken), ("/p/b/Encoder.msd", encoderNamed));
        Assert.Equal("MSD0040", Assert.Single(brokenDiagnostics).Id);
        Assert.Single(output.SyntaxTrees); // the working model's; the stand-in TinyMultistageEncoder would be CS0101
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    /// <summary>
    /// A type of one file where another has a namespace (`model X` beside `namespace X`), in either order, is CS0101 or
    /// CS0426 in generated code: said at the second file's model name instead, found by a fuzzer.
    /// </summary>
    [Theory]
    [InlineData("model TinyMultistage {", "model X {", "  namespace DiffusionDsl.Generator.Tests.Models\n", "  namespace X\n", "would declare a type 'X', where 'A.msd' (/p/a/A.msd) has the namespace 'X'")]
    [InlineData("model TinyMultistage {", "model A {", "  namespace DiffusionDsl.Generator.Tests.Models\n", "  namespace N.A.Deeper\n", "would declare a type 'N.A', where 'A.msd' (/p/a/A.msd) has the namespace 'N.A'")]
    public void ATypeWhereAnotherFileHasANamespaceIsAnErrorAtTheSecondModel(string model, string secondModel, string ns, string firstNamespace, string message)
    {
        var text = GeneratorHarness.ReadModel("TinyMultistage.msd");
        var first = text.Replace(ns, firstNamespace);
        var second = text.Replace(model, secondModel).Replace(ns, firstNamespace.StartsWith("  namespace N.") ? "  namespace N\n" : "");
        var (output, diagnostics) = GeneratorHarness.Run(("/p/a/A.msd", first), ("/p/b/X.msd", second));
        var clash = Assert.Single(diagnostics);
        Assert.Equal("MSD0012", clash.Id);
        Assert.Equal("/p/b/X.msd", clash.Location.GetLineSpan().Path);
        Assert.True(clash.GetMessage().Contains(message), clash.GetMessage());
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        // The other way round: the namespace comes second and goes through the first file's type.
        (output, diagnostics) = GeneratorHarness.Run(("/p/a/X.msd", second), ("/p/b/A.msd", first));
        clash = Assert.Single(diagnostics);
        Assert.Equal("/p/b/A.msd", clash.Location.GetLineSpan().Path);
        Assert.Contains("and 'X.msd' (/p/a/X.msd) declares a type", clash.GetMessage());
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    /// <summary>Two broken files whose stand-ins would declare one type: the first (in path order) stands in, the second does not.</summary>
    [Fact]
    public void StandInsGiveWayToEachOther()
    {
        var (output, diagnostics) = GeneratorHarness.Run(("/p/b/ASampler.msd", "model ASampler {\n  bogus 1\n}\n"), ("/p/a/A.msd", "model A {\n  bogus 1\n}\n"));
        Assert.All(diagnostics, d => Assert.StartsWith("MSD", d.Id));
        Assert.Single(output.SyntaxTrees);
        // A's stand-ins (its encoder AEncoder among them), not ASampler's (ASamplerEncoder), whichever the build lists first.
        Assert.Contains("class AEncoder :", output.SyntaxTrees.Single().ToString());
        Assert.DoesNotContain("class ASamplerEncoder", output.SyntaxTrees.Single().ToString());
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && !d.Id.StartsWith("MSD")));
    }

    /// <summary>A model named in lower-case letters keeps its name; C#'s warning that such names may become keywords (CS8981) stays out of its file.</summary>
    [Fact]
    public void ALowerCaseModelNameCompilesWithoutWarnings()
    {
        var text = GeneratorHarness.ReadModel("TinyMultistage.msd").Replace("model TinyMultistage {", "model tiny {");
        var (output, diagnostics) = GeneratorHarness.Run(("/project/tiny.msd", text));
        Assert.Empty(diagnostics);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        // Its stand-ins too, while the file has errors.
        (output, diagnostics) = GeneratorHarness.Run(("/project/tiny.msd", text.Replace("dropout 0.1 ", "dropout 1.5 ")));
        Assert.Single(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }
}
