using System.Linq;
using DiffusionDsl.Language.Diagnostics;

namespace DiffusionDsl.Language.Tests;

/// <summary>Every diagnostic ID, triggered at a marked span of an otherwise valid model.</summary>
public class DiagnosticTests
{
    private const string Valid = @"model Tiny {
  image 1x8x8
  diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps
  stages {
    a [0, 0.5)
    b [0.5, 1]
  }
  encoder ddpmpp {
    width 8
    mult [1, 2]
    blocks 1
    attention at 4
    dropout 0.1
  }
  decoder a { width 8 }
  decoder b { width 4 }
}
";

    private static string Mark(string find, string replacement) => Valid.Replace(find, replacement);

    public static TheoryData<string, string> Cases => new()
    {
        { "MSD0001", Mark("    width 8\n", "    width ⟦@⟧8\n") },
        { "MSD0002", Mark("    blocks 1\n", "    ⟦blokcs⟧ 1\n") },
        { "MSD0003", Mark("model Tiny {\n  image 1x8x8\n", "⟦model⟧ Tiny {\n") },
        { "MSD0004", Mark("    blocks 1\n", "    blocks 1\n    ⟦blocks⟧ 2\n") },
        { "MSD0005", Mark("    blocks 1\n", "    blocks ⟦one⟧\n") },
        { "MSD0006", Mark("diffusion vp(", "diffusion ⟦vq⟧(") },
        // model { and encoder { are 2 levels; 30 brackets make 32, the limit; the 31st is one too many
        { "MSD0007", Mark("dropout 0.1", "dropout " + new string('[', 30) + "⟦[⟧0.1" + new string(']', 31)) },
        { "MSD0010", Mark("model Tiny {", "model ⟦class⟧ {") },
        { "MSD0011", Mark("    b [0.5, 1]\n", "    ⟦a⟧ [0.5, 1]\n") },
        { "MSD0012", Mark("    b [0.5, 1]\n  }\n", "    ⟦encoder⟧ [0.5, 1]\n  }\n") },
        { "MSD0020", Mark("    a [0, 0.5)\n", "    a [0, ⟦1.5⟧)\n") }, // the last end is held to 1 by MSD0023 instead
        { "MSD0021", Mark("    a [0, 0.5)\n", "    a ⟦[0.7, 0.5)⟧\n") },
        { "MSD0022", Mark("    b [0.5, 1]\n", "    b [⟦0.6⟧, 1]\n") },
        { "MSD0023", Mark("    a [0, 0.5)\n", "    a [⟦0.1⟧, 0.5)\n") },
        { "MSD0024", Mark("    b [0.5, 1]\n", "    ⟦b⟧ [0.5, 1]\n").Replace("  decoder b { width 4 }\n", "") },
        { "MSD0025", Mark("  decoder b { width 4 }\n", "  decoder b { width 4 }\n  decoder ⟦c⟧ { width 4 }\n") },
        { "MSD0026", Mark("  decoder b { width 4 }\n", "  decoder b { width 4 }\n  decoder ⟦b⟧ { width 4 }\n") },
        { "MSD0027", Mark("vp(beta_min = 0.1, beta_max = 20)", "ddpm(steps = 1000)").Replace("  stages {", "  stages in ⟦sigma⟧ {") },
        { "MSD0030", Mark("image 1x8x8", "image 1x6x6").Replace("mult [1, 2]", "mult ⟦[1, 2, 2]⟧") },
        { "MSD0031", Mark("  decoder a { width 8 }\n", "  decoder a {\n    level 4 { width 16 }\n    level 8 { width 8  blocks ⟦3⟧ }\n  }\n") },
        { "MSD0032", Mark("attention at 4", "attention at ⟦16⟧") },
        { "MSD0033", Mark("    width 8\n", "    width ⟦8⟧\n    groups 3\n") },
        { "MSD0034", Mark("attention at 4", "attention at 4 heads ⟦3⟧") },
        { "MSD0035", Mark("    width 8\n", "    width ⟦0⟧\n") },
        { "MSD0040", Mark("dropout 0.1", "dropout ⟦1.5⟧") },
        { "MSD0041", Mark("  diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps", "  diffusion vp(beta_min = 0.1, beta_max = 20) predicts ⟦edm⟧") },
        { "MSD0050", Mark("  decoder b { width 4 }", "  decoder ⟦b⟧ { width 16 }") },
        { "MSD0051", Mark("    dropout 0.1\n", "    dropout 0.1\n    augment ⟦9⟧\n") },
        { "MSD0052", Mark("  decoder b { width 4 }\n", "  decoder b { width 4 }\n  train { steps 10; warmup ⟦20⟧ }\n") },
        { "MSD0053", Mark("    b [0.5, 1]\n", "    b ⟦[0.5, 1)⟧\n") },
        { "MSD0054", Mark("  decoder b { width 4 }\n", "  decoder b { width 4 }\n  sample { ⟦eta⟧ 0.5 }\n") },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EachDiagnosticIsReportedAtItsSpan(string id, string marked)
    {
        var source = MarkedSource.Parse(marked);
        var diagnostics = MsdCompiler.CompileUnguarded(source.Text).Diagnostics;
        Assert.True(diagnostics.Any(d => d.Id == id && d.Span == source.Expected),
            $"expected {id} at {source.Expected}; got:\n" + string.Join("\n", diagnostics.Select(d => $"{d.Id} {d.Span} {d.Message}")));
    }

    [Fact]
    public void TheValidModelHasNoDiagnostics() => Assert.Empty(MsdCompiler.CompileUnguarded(Valid).Diagnostics);

    [Fact]
    public void EveryDiagnosticIdHasACase()
    {
        var ids = typeof(DiagnosticIds).GetFields().Select(f => (string)f.GetValue(null)!).Where(id => id != DiagnosticIds.InternalError);
        var covered = Cases.Select(c => (string)c[0]).ToHashSet();
        Assert.All(ids, id => Assert.Contains(id, covered));
    }

    [Fact]
    public void UnknownKeywordSuggestsTheClosestOne()
    {
        var diagnostic = MsdCompiler.CompileUnguarded(Valid.Replace("blocks 1", "blokcs 1")).Diagnostics.Single();
        Assert.Contains("did you mean 'blocks'?", diagnostic.Message);
        Assert.Equal((11, 5), (diagnostic.Start.Line + 1, diagnostic.Start.Character + 1));
    }

    [Fact]
    public void UnknownScheduleSuggestsTheClosestOne()
    {
        var diagnostic = MsdCompiler.CompileUnguarded(Valid.Replace("vp(", "vq(")).Diagnostics.First();
        Assert.Contains("did you mean 'vp'?", diagnostic.Message);
    }

    [Fact]
    public void TruncatedFileReportsTheMissingBraceAtTheEnd()
    {
        var text = Valid.Substring(0, Valid.IndexOf("  decoder a"));
        var diagnostic = MsdCompiler.CompileUnguarded(text).Diagnostics.Single();
        Assert.Equal(DiagnosticIds.SyntaxError, diagnostic.Id);
        Assert.Equal(text.Length, diagnostic.Span.Start);
        Assert.Contains("'}'", diagnostic.Message);
    }

    [Fact]
    public void FormatMatchesTheCompilerConvention()
    {
        var diagnostic = MsdCompiler.CompileUnguarded(Valid.Replace("dropout 0.1", "dropout 1.5")).Diagnostics.Single();
        Assert.Equal("m.msd(13,13): error MSD0040: dropout must be in [0, 1), not 1.5", diagnostic.Format("m.msd"));
    }

    [Theory]
    [InlineData("stage_info")]   // a runtime type the generated class names
    [InlineData("table")]        // a generated static member
    [InlineData("tiny_encoder")] // the generated encoder type, TinyEncoder
    [InlineData("create")]       // inherited from TorchSharp's nn.Module
    public void StageNamesThatWouldHideAGeneratedNameAreRejected(string stage)
    {
        var text = Valid.Replace("    b [0.5, 1]\n", $"    {stage} [0.5, 1]\n").Replace("decoder b {", $"decoder {stage} {{");
        Assert.Contains(MsdCompiler.CompileUnguarded(text).Diagnostics, d => d.Id == DiagnosticIds.NameCollision);
    }

    [Fact]
    public void AStageMayStartWithTheModelsName()
    {
        var text = Valid.Replace("    b [0.5, 1]\n", "    tiny_noise [0.5, 1]\n").Replace("decoder b {", "decoder tiny_noise {");
        Assert.Empty(MsdCompiler.CompileUnguarded(text).Diagnostics);
    }

    [Fact]
    public void SettingsMayShareALine()
    {
        var text = Valid.Replace("    width 8\n    mult [1, 2]\n    blocks 1\n", "    width 8  mult [1, 2]  blocks 1\n");
        var compilation = MsdCompiler.CompileUnguarded(text);
        Assert.Empty(compilation.Diagnostics);
        Assert.Equal(2, compilation.Model!.Encoder.Levels.Count);
    }

    [Theory]
    [InlineData("clip true", true)]
    [InlineData("clip false", false)]
    [InlineData("solver ddim", false)]
    public void SampleClipIsAFlag(string setting, bool clip)
    {
        var compilation = MsdCompiler.CompileUnguarded(Valid.Replace("  decoder b { width 4 }\n", $"  decoder b {{ width 4 }}\n  sample {{ {setting} }}\n"));
        Assert.Empty(compilation.Diagnostics);
        Assert.Equal(clip, compilation.Model!.Sample.Clip);
    }

    [Fact]
    public void SampleClipTakesTrueOrFalse()
    {
        var source = MarkedSource.Parse(Mark("  decoder b { width 4 }\n", "  decoder b { width 4 }\n  sample { clip ⟦yes⟧ }\n"));
        var diagnostics = MsdCompiler.CompileUnguarded(source.Text).Diagnostics;
        Assert.Contains(diagnostics, d => d.Span == source.Expected && d.IsError && d.Message.Contains("true"));
    }

    [Theory]
    [InlineData("Info")]
    [InlineData("Table")]
    [InlineData("StageTable")]
    public void ModelNamesThatTheGeneratedCodeUsesAreRejected(string name)
    {
        var source = MarkedSource.Parse(Mark("model Tiny {", $"model ⟦{name}⟧ {{"));
        var diagnostics = MsdCompiler.CompileUnguarded(source.Text).Diagnostics;
        Assert.Contains(diagnostics, d => d.Id == DiagnosticIds.NameCollision && d.Span == source.Expected);
    }
}
