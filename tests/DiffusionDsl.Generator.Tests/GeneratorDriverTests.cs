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
}
