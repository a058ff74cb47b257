using System.Linq;
using DiffusionDsl.Language;
using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Language.Semantics;
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

    /// <summary>
    /// A generated type whose full name is one the generated code reaches a type through (found by a fuzzer: CS0146,
    /// CS0426, CS0509 in generated code), or one it references, is refused at the model's name.
    /// </summary>
    [Theory]
    [InlineData("Runtime", "DiffusionDsl", "DiffusionDsl.Runtime")]
    [InlineData("CodeDom", "System", "System.CodeDom")]
    [InlineData("Generic", "System.Collections", "System.Collections.Generic")]
    [InlineData("SharedEncoder", "DiffusionDsl.Runtime.Networks", "DiffusionDsl.Runtime.Networks.SharedEncoder")]
    [InlineData("torch", "TorchSharp", "TorchSharp.torch")]
    [InlineData("Networks", "DiffusionDsl.Runtime", "DiffusionDsl.Runtime.Networks")]
    [InlineData("Multistage", "DiffusionDsl.Runtime.Training", "DiffusionDsl.Runtime.Training.MultistageTrainer")]
    public void AModelTakingANameTheGeneratedCodeUsesIsRejected(string name, string ns, string declared)
    {
        var diagnostics = MsdCompiler.CompileUnguarded(Model(name, ns)).Diagnostics;
        var error = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticIds.NameCollision, error.Id);
        Assert.Contains($"would declare '{declared}', and the generated code needs that name", error.Message);
        // Without a model the file holds no types, so no stand-ins either: they would break the same way.
        var (output, _) = GeneratorHarness.Run(("/project/Named.msd", Model(name, ns)));
        Assert.Empty(output.SyntaxTrees);
    }

    /// <summary>A namespace through a referenced type: the compilation's namespace would win over it (CS0435, then CS0234).</summary>
    [Theory]
    [InlineData("TorchSharp.torch", "TorchSharp.torch")]
    [InlineData("System.IDisposable", "System.IDisposable")]
    [InlineData("DiffusionDsl.Runtime.Networks.SharedEncoder.Mine", "DiffusionDsl.Runtime.Networks.SharedEncoder")]
    public void ANamespaceThroughATypeTheGeneratedCodeUsesIsRejected(string ns, string hidden)
    {
        var error = Assert.Single(MsdCompiler.CompileUnguarded(Model("TinyMultistage", ns)).Diagnostics);
        Assert.Equal(DiagnosticIds.NameCollision, error.Id);
        Assert.Contains($"would hide the type '{hidden}'", error.Message);
    }

    /// <summary>
    /// A model without a namespace line goes into the project's root namespace, which is checked as a written one: a root
    /// namespace through TorchSharp.torch left global::TorchSharp.torch.Tensor unbound in code the compiler had accepted.
    /// No stand-ins either: they would break the same way.
    /// </summary>
    [Fact]
    public void ARootNamespaceThroughATypeTheGeneratedCodeUsesIsRejected()
    {
        var text = Model("TinyMultistage", null);
        var error = Assert.Single(MsdCompiler.CompileUnguarded(text, "TorchSharp.torch.Models").Diagnostics);
        Assert.Equal(DiagnosticIds.NameCollision, error.Id);
        Assert.StartsWith("The project's root namespace 'TorchSharp.torch.Models', where a model without a namespace line goes, would hide the type 'TorchSharp.torch'", error.Message);
        var file = GeneratedFile.From(new MsdSource("/project/TinyMultistage.msd", text), "TorchSharp.torch.Models");
        Assert.Null(file.Source);
        // A namespace line decides instead of the root namespace.
        Assert.Empty(MsdCompiler.CompileUnguarded(Model("TinyMultistage", "My.Models"), "TorchSharp.torch.Models").Diagnostics);
        Assert.Contains("namespace My.Root", GeneratedFile.From(new MsdSource("/project/TinyMultistage.msd", text), "My.Root").Source);
    }

    /// <summary>A model GeneratedCode beside the attribute compiles (attribute lookup takes GeneratedCodeAttribute); a model GeneratedCodeAttribute does not.</summary>
    [Fact]
    public void TheAttributeTakesItsFullName()
    {
        AssertCompiles(Model("GeneratedCode", "System.CodeDom.Compiler"));
        Assert.Equal(DiagnosticIds.NameCollision, Assert.Single(MsdCompiler.CompileUnguarded(Model("GeneratedCodeAttribute", "System.CodeDom.Compiler")).Diagnostics).Id);
    }

    [Fact]
    public void AModelInARuntimeNamespaceUnderANewNameCompiles() => AssertCompiles(Model("Mine", "DiffusionDsl.Runtime.Networks"));

    /// <summary>Namespaces stop at 512 characters: a generated type's full name then stays within metadata's 1,023 (CS7013).</summary>
    [Fact]
    public void NamespacesAreLimitedSoEveryGeneratedNameFitsMetadata()
    {
        string longest = new string('A', 200) + "." + new string('B', 200) + "." + new string('C', 110);
        Assert.Equal(512, longest.Length);
        AssertCompiles(Model(new string('M', 200), longest));

        var error = Assert.Single(MsdCompiler.CompileUnguarded(Model("TinyMultistage", longest + "D")).Diagnostics);
        Assert.Equal(DiagnosticIds.InvalidName, error.Id);
        Assert.Contains("is longer than 512 characters", error.Message);
    }

    /// <summary>The binder's list of the types generated code references is the generator's (Global), name for name.</summary>
    [Fact]
    public void TheReferencedTypesAreTheOnesTheGeneratedCodeNames()
    {
        var global = typeof(MsdGenerator).Assembly.GetType("DiffusionDsl.Generator.Global", throwOnError: true)!;
        var written = global.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Select(f => (string)f.GetValue(null)!)
            .Select(value => System.Text.RegularExpressions.Regex.Match(value, @"global::([A-Za-z_.]+)").Groups[1].Value)
            // An attribute is written without its suffix; the type that binds has it.
            .Select(name => name.EndsWith(".GeneratedCode") ? name + "Attribute" : name)
            .OrderBy(n => n, System.StringComparer.Ordinal);
        Assert.Equal(written, GeneratedMembers.ReferencedTypes.OrderBy(n => n, System.StringComparer.Ordinal));
    }

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
