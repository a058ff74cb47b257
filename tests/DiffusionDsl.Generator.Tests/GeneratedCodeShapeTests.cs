using System;
using System.CodeDom.Compiler;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DiffusionDsl.Generator.Tests;

/// <summary>The generated file compiles whatever the user's project declares, and reads like hand-written code.</summary>
public class GeneratedCodeShapeTests
{
    public static readonly TheoryData<string> Models = new() { "TinyMultistage", "EdmFullForm", "Cifar10Multistage" };

    private static string Generate(string model)
    {
        var file = GeneratedFile.From(new MsdSource($"/project/{model}.msd", GeneratorHarness.ReadModel(model + ".msd")), null);
        Assert.NotNull(file.Source);
        return file.Source!;
    }

    /// <summary>
    /// Every runtime type the generated code names, plus namespaces' first segments, declared by the user in
    /// the model's own namespace: unqualified names would bind to these instead (CS1729, CS0246, ...).
    /// </summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void GeneratedCodeCompilesBesideUserTypesNamedLikeRuntimeTypes(string model)
    {
        var text = GeneratorHarness.ReadModel(model + ".msd");
        var ns = Regex.Match(text, @"namespace\s+([\w.]+)").Groups[1].Value;
        string[] shadows =
        {
            "Level", "StageInfo", "StageTable", "StageCost", "ModelCostTable", "TrainOptions", "SampleOptions",
            "EncoderLayout", "DecoderLayout", "MultistageUNet", "SharedEncoder", "StageDecoder", "PredictionTarget",
            "INoiseSchedule", "VpSchedule", "EdmSchedule", "CosineSchedule", "DdpmLinearSchedule", "NoiseEmbeddingKind",
            "StageSampling", "SolverKind", "MultistageTrainer", "MultistageSampler", "TrainingSession", "ReportOptions",
            "TrainResult", "IBatchSource", "MsdModelInfo", "GeneratedCode", "GeneratedCodeAttribute",
            "System", "TorchSharp", "DiffusionDsl",
        };
        var user = $"namespace {ns}\n{{\n" + string.Join("\n", shadows.Select(n => $"    public sealed class {n} {{ }}")) + "\n}\n";

        var (output, generatorDiagnostics) = GeneratorHarness.Run(GeneratorHarness.NewCompilation(user), ($"/project/{model}.msd", text));

        Assert.Empty(generatorDiagnostics);
        Assert.Equal(2, output.SyntaxTrees.Count());
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void GeneratedFileHasNoUsingDirectives(string model)
    {
        var root = CSharpSyntaxTree.ParseText(Generate(model)).GetCompilationUnitRoot();
        Assert.Empty(root.DescendantNodes().OfType<UsingDirectiveSyntax>());
    }

    /// <summary>`new(8, 16, 1)` says nothing; every literal argument of a constructor call carries its parameter's name.</summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void EveryLiteralConstructorArgumentIsNamed(string model)
    {
        var root = CSharpSyntaxTree.ParseText(Generate(model)).GetRoot();
        var unnamed = root.DescendantNodes().OfType<BaseObjectCreationExpressionSyntax>()
            .SelectMany(creation => creation.ArgumentList?.Arguments ?? default(SeparatedSyntaxList<ArgumentSyntax>))
            .Where(argument => argument.NameColon is null && IsLiteral(argument.Expression))
            .Select(argument => argument.Parent!.Parent!.ToString())
            .ToList();
        Assert.True(unnamed.Count == 0, "unnamed literal arguments in:\n" + string.Join("\n", unnamed));
    }

    private static bool IsLiteral(ExpressionSyntax expression) => expression switch
    {
        LiteralExpressionSyntax => true,
        PrefixUnaryExpressionSyntax { Operand: LiteralExpressionSyntax } => true,
        _ => false,
    };

    [Fact]
    public void StagesWrittenInSigmaShowTheirSigmaBesideTheConvertedTimes()
    {
        var lines = Generate("Cifar10Multistage").Split('\n');
        Assert.Matches(@"new\(Name: ""near_data"", Start: 0, End: 0\.49\d+\), // sigma \[0\.002, 2\.5103\)$", Single(lines, "\"near_data\", Start"));
        Assert.Matches(@"new\(Name: ""middle"", Start: 0\.49\d+, End: 0\.63\d+\), // sigma \[2\.5103, 7\.6577\)$", Single(lines, "\"middle\", Start"));
        Assert.Matches(@"new\(Name: ""near_noise"", Start: 0\.63\d+, End: 1\), // sigma \[7\.6577, 80\]$", Single(lines, "\"near_noise\", Start"));
    }

    [Fact]
    public void StagesWrittenInTimeHaveNoSigmaComment() =>
        Assert.DoesNotContain("// sigma", Generate("TinyMultistage"));

    private static string Single(string[] lines, string marker) => Assert.Single(lines, l => l.Contains(marker)).Trim();

    /// <summary>Every type in the generated file says which tool wrote it, so analyzers and coverage tools skip it.</summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void EveryGeneratedTypeCarriesGeneratedCodeInTheSource(string model)
    {
        var root = CSharpSyntaxTree.ParseText(Generate(model)).GetRoot();
        var types = root.DescendantNodes().OfType<BaseTypeDeclarationSyntax>().ToList();
        Assert.NotEmpty(types);
        Assert.All(types, type => Assert.Contains(
            $"[global::System.CodeDom.Compiler.GeneratedCode(\"DiffusionDsl\", \"{ExpectedVersion}\")]",
            type.AttributeLists.Select(list => list.ToString())));
    }

    /// <summary>The models this project built with the generator: every generated type carries the attribute at run time.</summary>
    [Fact]
    public void EveryTypeTheGeneratorBuiltIntoThisAssemblyCarriesGeneratedCode()
    {
        var generated = typeof(GeneratedCodeShapeTests).Assembly.GetTypes()
            .Where(t => t.Namespace is "DiffusionDsl.Generator.Tests.Models" or "Examples.Cifar")
            .Where(t => t.GetCustomAttribute<CompilerGeneratedAttribute>() is null) // lambdas' closure classes
            .ToList();
        Assert.Contains(typeof(Models.TinyMultistage), generated);
        Assert.Contains(typeof(Models.TinyMultistageTrainer), generated);
        Assert.All(generated, type =>
        {
            var attribute = type.GetCustomAttribute<GeneratedCodeAttribute>();
            Assert.True(attribute is not null, $"{type} has no [GeneratedCode]");
            Assert.Equal("DiffusionDsl", attribute!.Tool);
            Assert.Equal(ExpectedVersion, attribute.Version);
        });
    }

    /// <summary>The generator assembly's version without build metadata (no commit hash, so it is the same on every checkout).</summary>
    private static string ExpectedVersion
    {
        get
        {
            var assembly = typeof(MsdGenerator).Assembly;
            var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            return informational is null ? assembly.GetName().Version!.ToString() : informational.Split('+')[0];
        }
    }
}
