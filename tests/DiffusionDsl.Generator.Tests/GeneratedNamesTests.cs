using System.Linq;
using DiffusionDsl.Language;
using DiffusionDsl.Language.Diagnostics;
using Microsoft.CodeAnalysis;

namespace DiffusionDsl.Generator.Tests;

/// <summary>
/// Model names and namespaces that name something the generated code also names: runtime types, members of the
/// generated trainer and sampler, the namespaces System and TorchSharp. Each is either accepted, and then the
/// generated code compiles, or rejected with a diagnostic; never accepted into code that does not compile.
/// </summary>
public class GeneratedNamesTests
{
    private static string Model(string name, string? ns) =>
        GeneratorHarness.ReadModel("TinyMultistage.msd")
            .Replace("model TinyMultistage {", $"model {name} {{")
            .Replace("  namespace DiffusionDsl.Generator.Tests.Models\n", ns is null ? "" : $"  namespace {ns}\n");

    private static readonly string[] Names =
    {
        // root namespaces of the generated code's global:: references (in a namespace; see the global-namespace test)
        "System", "TorchSharp", "DiffusionDsl",
        // runtime types the generated code names
        "Level", "TrainOptions", "SampleOptions", "SolverKind", "StageSampling", "MultistageTrainer", "MultistageSampler",
        "TrainResult", "IBatchSource", "TrainingSession", "ReportOptions", "EncoderLayout", "DecoderLayout", "SharedEncoder",
        "StageDecoder", "NoiseEmbeddingKind", "Tensor", "IDisposable", "CancellationToken", "IReadOnlyList",
        // members of the generated trainer, sampler, encoder and decoders
        "Sampler", "Train", "Defaults", "Trainer", "Model", "Sample", "EvaluationsPerStage", "Architecture",
        // other namespace parts
        "Runtime", "Networks", "Models", "global_",
    };

    public static readonly TheoryData<string> AcceptedModelNames = new(Names);

    public static readonly TheoryData<string> AcceptedInTheGlobalNamespace = new(
        Names.Where(name => name is not ("System" or "TorchSharp" or "DiffusionDsl")));

    [Theory]
    [MemberData(nameof(AcceptedModelNames))]
    public void AModelNamedLikeSomethingTheGeneratedCodeNamesCompiles(string name) => AssertCompiles(Model(name, "DiffusionDsl.Generator.Tests.Models"));

    [Theory]
    [MemberData(nameof(AcceptedInTheGlobalNamespace))]
    public void AModelInTheGlobalNamespaceCompilesToo(string name) => AssertCompiles(Model(name, null));

    /// <summary>A type System in the global namespace hides the namespace System, even from global::System.</summary>
    [Theory]
    [InlineData("System")]
    [InlineData("TorchSharp")]
    [InlineData("DiffusionDsl")]
    public void AModelInTheGlobalNamespaceNamedLikeARootNamespaceIsRejected(string name)
    {
        var error = Assert.Single(MsdCompiler.CompileUnguarded(Model(name, null)).Diagnostics);
        Assert.Equal(DiagnosticIds.NameCollision, error.Id);
        Assert.Contains("namespace", error.Message);
    }

    [Theory]
    [InlineData("Users.System")]
    [InlineData("Users.TorchSharp")]
    [InlineData("Users.DiffusionDsl")]
    [InlineData("Users.DiffusionDsl.Runtime")]
    [InlineData("System")]
    [InlineData("TorchSharp")]
    [InlineData("DiffusionDsl")]
    [InlineData("Tiny.TinyMultistage")]
    public void ANamespaceNamedLikeOneTheGeneratedCodeUsesCompiles(string ns) => AssertCompiles(Model("TinyMultistage", ns));

    [Theory]
    [InlineData("required")]
    [InlineData("extension")]
    [InlineData("file")]
    [InlineData("scoped")]
    [InlineData("record")]
    [InlineData("var")]
    [InlineData("class")]
    [InlineData("object")]
    public void AModelNamedLikeACSharpKeywordIsRejectedAsOne(string name)
    {
        var diagnostics = MsdCompiler.CompileUnguarded(Model(name, "Users")).Diagnostics;
        var error = Assert.Single(diagnostics, d => d.Id == DiagnosticIds.InvalidName);
        Assert.Contains("keyword", error.Message);
    }

    private static void AssertCompiles(string text)
    {
        var (output, generatorDiagnostics) = GeneratorHarness.Run(("/project/Named.msd", text));
        Assert.True(generatorDiagnostics.IsEmpty, string.Join("\n", generatorDiagnostics));
        Assert.Single(output.SyntaxTrees);
        var errors = output.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(10)));
    }
}
