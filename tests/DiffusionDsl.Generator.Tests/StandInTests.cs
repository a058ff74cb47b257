using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace DiffusionDsl.Generator.Tests;

/// <summary>
/// An .msd with errors: its own diagnostics and nothing else. The stand-ins spare the C# that uses the model the
/// follow-on errors (CS0246, CS0118) that drowned the .msd's real ones.
/// </summary>
public class StandInTests
{
    /// <summary>The template's Program.cs in brief: it uses every member a model has whatever its stages, from a namespace named as the model.</summary>
    private const string UserProgram = """
        using DiffusionDsl.Runtime.Training;
        namespace Tiny;
        internal static class Program
        {
            public static void Main(IBatchSource data)
            {
                const int size = Tiny.ImageSize; // constants stay constants
                var options = TinyTrainer.Defaults with { Steps = 3 + size - Tiny.ImageChannels };
                var info = Tiny.Info;
                System.Console.WriteLine($"{Tiny.Cost} {Tiny.Table} {Tiny.Prediction} {Tiny.ImageChannels} {Tiny.ImageSize} {Tiny.SourceHash} {info.Name}");
                using var schedule = Tiny.CreateSchedule() as System.IDisposable;
                using var model = new Tiny();
                using var trainer = new TinyTrainer(model, options);
                var result = trainer.Train(data, System.Threading.CancellationToken.None);
                using (trainer.Trainer.Ema.Apply())
                {
                    var sampler = new TinySampler(model, TinySampler.Defaults with { Steps = 4 });
                    using var images = sampler.Sample(count: 2, seed: 1);
                    System.Console.WriteLine($"{result.Step} {sampler.EvaluationsPerStage.Count} {sampler.Sampler} {trainer.Model}");
                }
            }
        }
        """;

    private static string Tiny(string replace = "", string with = "") =>
        GeneratorHarness.ReadModel("TinyMultistage.msd")
            .Replace("model TinyMultistage {", "model Tiny {")
            .Replace("namespace DiffusionDsl.Generator.Tests.Models", "namespace Tiny")
            .Replace(replace.Length > 0 ? replace : "\uFFFF", with);

    /// <summary>With stages that parse, the typed encoder and decoders stand in too.</summary>
    private const string StagedProgram = """
        namespace Tiny;
        internal static class Staged
        {
            public static string Names(Tiny model)
            {
                TinyEncoder encoder = model.Encoder;
                TinyNearDataDecoder nearData = model.NearData;
                return encoder.GetName() + nearData.GetName() + model.Middle.GetName() + model.NearNoise.GetName() + TinyEncoder.Architecture;
            }
        }
        """;

    [Theory]
    [InlineData("dropout 0.1 ", "dropout 1.5 ", "MSD0040")]         // a value out of range
    [InlineData("dropout 0.1 ", "dropout 0.1 }", "MSD0001")]        // a syntax error, as while typing
    [InlineData("near_noise [0.631, 1]", "near_noise [0.7, 1]", "MSD0022")] // stages with a gap
    [InlineData("decoder near_noise", "decoder nearnoise", "MSD0025")]     // a decoder for no stage
    public void AModelWithErrorsGivesItsMsdErrorsAndNoCSharpOnes(string replace, string with, string id)
    {
        var text = Tiny(replace, with);
        Assert.Contains(with, text);
        // A syntax error leaves no stages to read: then only the members every model has stand in.
        var program = id == "MSD0001" ? GeneratorHarness.NewCompilation(UserProgram) : GeneratorHarness.NewCompilation(UserProgram, StagedProgram);
        var (output, diagnostics) = GeneratorHarness.Run(program, ("/project/Tiny.msd", text));
        Assert.Contains(diagnostics, d => d.Id == id && d.Severity == DiagnosticSeverity.Error);
        var csharp = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(csharp.Count == 0, string.Join("\n", csharp));
    }

    [Fact]
    public void WithoutStandInsTheSameProgramHasFollowOnErrors()
    {
        // What the stand-ins spare: the program alone, as the build saw it when the generator emitted nothing.
        var ids = GeneratorHarness.NewCompilation(UserProgram).GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).ToHashSet();
        Assert.Contains("CS0118", ids); // 'Tiny' is a namespace but is used like a type
        Assert.Contains("CS0246", ids); // TinyTrainer, TinySampler not found
    }

    /// <summary>A broken copy of a working .msd (the same model), and a second broken copy: the working model's types stand, once.</summary>
    [Fact]
    public void NoStandInsWhereAnotherFileDeclaresTheModel()
    {
        var broken = Tiny("dropout 0.1 ", "dropout 1.5 ");
        var (output, diagnostics) = GeneratorHarness.Run(GeneratorHarness.NewCompilation(UserProgram),
            ("/project/Tiny.msd", Tiny()), ("/project/Copy.msd", broken), ("/project/Copy2.msd", broken));
        Assert.Equal(2, diagnostics.Count(d => d.Id == "MSD0040"));
        Assert.DoesNotContain(output.SyntaxTrees, t => t.ToString().Contains("Stands in for"));
        var csharp = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(csharp.Count == 0, string.Join("\n", csharp));

        var (brokenOnly, _) = GeneratorHarness.Run(GeneratorHarness.NewCompilation(UserProgram), ("/project/Copy.msd", broken), ("/project/Copy2.msd", broken));
        Assert.Single(brokenOnly.SyntaxTrees, t => t.ToString().Contains("Stands in for"));
        Assert.Empty(brokenOnly.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    /// <summary>Stand-ins ask no more of the project than the model does: C# 10, documentation comments checked.</summary>
    [Fact]
    public void StandInsCompileWhereTheModelDoes()
    {
        var parse = new Microsoft.CodeAnalysis.CSharp.CSharpParseOptions(Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp10, DocumentationMode.Diagnose);
        foreach (var text in new[] { Tiny(), Tiny("dropout 0.1 ", "dropout 1.5 ") })
        {
            var file = GeneratedFile.From(new MsdSource("/project/R&D <1>.msd", text), null);
            var compilation = GeneratorHarness.NewCompilation().AddSyntaxTrees(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(file.Source!, parse));
            var problems = compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }
    }

    [Fact]
    public void AModelWithAnUnusableNameGetsNoStandIns()
    {
        var (output, diagnostics) = GeneratorHarness.Run(("/project/Tiny.msd", Tiny("model Tiny {", "model class {")));
        Assert.Contains(diagnostics, d => d.Id == "MSD0010");
        Assert.Empty(output.SyntaxTrees);
    }

    /// <summary>A file over the size limit is refused unread: the stand-ins' scan of its words would read it all, on every edit in the IDE.</summary>
    [Fact]
    public void AFileOverTheSizeLimitGetsNoStandIns()
    {
        var text = Tiny() + "// " + new string('x', DiffusionDsl.Language.Syntax.MsdLimits.MaxLength) + "\n";
        var file = GeneratedFile.From(new MsdSource("/project/Tiny.msd", text), null);
        Assert.Contains(file.Diagnostics, d => d.Id == "MSD0007");
        Assert.Null(file.Source);
    }

    /// <summary>Every public member of every generated type stands in, when the stages parse (here: an error in a value).</summary>
    [Theory]
    [InlineData("Tiny")]
    [InlineData("TinyTrainer")]
    [InlineData("TinySampler")]
    [InlineData("TinyEncoder")]
    [InlineData("TinyNearDataDecoder")]
    [InlineData("TinyNearNoiseDecoder")]
    public void StandInsHaveTheGeneratedTypesMembers(string type)
    {
        var real = PublicMembers(Tiny(), "Tiny." + type);
        Assert.True(real.Count >= 2, string.Join("\n", real));
        Assert.Equal(real, PublicMembers(Tiny("dropout 0.1 ", "dropout 1.5 "), "Tiny." + type));
    }

    /// <summary>After a syntax error no stage can be read: the members every model has stand in, the stages' own do not.</summary>
    [Fact]
    public void AfterASyntaxErrorTheStagesOwnMembersAreLeftOut()
    {
        var real = PublicMembers(Tiny(), "Tiny.Tiny");
        var standIn = PublicMembers(Tiny("dropout 0.1 ", "dropout 0.1 }"), "Tiny.Tiny");
        Assert.Equal(real.Where(m => !m.Contains("Decoder")), standIn);
        Assert.Contains(standIn, m => m.StartsWith("Encoder: "));
    }

    [Fact]
    public void TheStandInsNameAndNamespaceAreTheModelsOwn()
    {
        var files = System.IO.Directory.GetFiles(System.IO.Path.Combine(System.AppContext.BaseDirectory, "Models"), "*.msd");
        Assert.True(files.Length >= 5);
        foreach (var file in files)
        {
            var text = System.IO.File.ReadAllText(file);
            var model = DiffusionDsl.Language.MsdCompiler.Compile(text, "Root.Ns").Model;
            Assert.NotNull(model);
            Assert.Equal(new DiffusionDsl.Language.Semantics.ModelIdentity(model!.Name, model.Namespace), DiffusionDsl.Language.Semantics.ModelIdentity.Scan(text, "Root.Ns"));
        }
    }

    [Fact]
    public void ErrorsCannotBeLoweredByEditorConfigSoNoStandInEverRuns()
    {
        foreach (var descriptor in MsdDescriptors.All)
            Assert.Equal(descriptor.DefaultSeverity == DiagnosticSeverity.Error, descriptor.CustomTags.Contains(WellKnownDiagnosticTags.NotConfigurable));
    }

    /// <summary>The public members <paramref name="typeName"/> declares, as "Name: Type", constants marked.</summary>
    private static List<string> PublicMembers(string msd, string typeName)
    {
        var (output, _) = GeneratorHarness.Run(("/project/Tiny.msd", msd));
        var type = output.GetTypeByMetadataName(typeName)!;
        Assert.NotNull(type);
        return type.GetMembers()
            .Where(m => m.DeclaredAccessibility == Accessibility.Public && !m.IsImplicitlyDeclared && m is not IMethodSymbol { AssociatedSymbol: not null })
            .Select(m => m switch
            {
                IFieldSymbol f => $"{(f.IsConst ? "const " : f.IsStatic ? "static " : "")}{f.Name}: {f.Type}",
                IPropertySymbol p => $"{(p.IsStatic ? "static " : "")}{p.Name}: {p.Type}",
                IMethodSymbol method => method.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat) + ": " + method.ReturnType,
                _ => m.ToString()!,
            })
            .OrderBy(s => s, System.StringComparer.Ordinal)
            .ToList();
    }
}
