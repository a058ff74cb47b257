using System;
using System.Linq;
using System.Reflection;
using DiffusionDsl.Cli.Lsp;
using DiffusionDsl.Language;

namespace DiffusionDsl.Cli.Tests.Lsp;

/// <summary>The language server's keyword docs name exactly the keywords the compiler's binders accept, section by section.</summary>
public class KeywordDocsTests
{
    private static string[] BinderKeywords(string type, string field)
    {
        var binder = typeof(MsdCompiler).Assembly.GetType($"DiffusionDsl.Language.Semantics.{type}", throwOnError: true)!;
        return (string[])binder.GetField(field, BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;
    }

    [Theory]
    [InlineData(KeywordDocs.Model, "ModelBinder", "ModelKeywords")]
    [InlineData(KeywordDocs.Encoder, "EncoderBinder", "Keywords")]
    [InlineData(KeywordDocs.Decoder, "DecoderBinder", "Keywords")]
    [InlineData(KeywordDocs.Level, "LevelReader", "Keywords")]
    [InlineData(KeywordDocs.Train, "SettingsBinder", "TrainKeywords")]
    [InlineData(KeywordDocs.Sample, "SettingsBinder", "SampleKeywords")]
    public void EachSectionDocumentsTheBindersKeywords(string section, string binder, string field)
    {
        var documented = KeywordDocs.KeywordsOf(section).Select(k => k.Keyword).OrderBy(k => k, StringComparer.Ordinal);
        Assert.Equal(BinderKeywords(binder, field).OrderBy(k => k, StringComparer.Ordinal), documented);
        Assert.All(KeywordDocs.KeywordsOf(section), k => Assert.Contains($"`{k.Keyword}", k.Doc));
    }

    [Fact]
    public void EverySolverAndScheduleHasADocLine()
    {
        Assert.All(Language.Semantics.SolverNames.All, s => Assert.NotNull(KeywordDocs.Solver(s)));
        Assert.Equal(Language.Semantics.SolverNames.All.OrderBy(s => s, StringComparer.Ordinal),
                     KeywordDocs.Solvers.Select(s => s.Name).OrderBy(s => s, StringComparer.Ordinal));
        Assert.Null(KeywordDocs.Solver("dpm_solver4"));
        foreach (var schedule in new[] { "vp", "ddpm", "cosine", "edm" }) Assert.NotNull(KeywordDocs.Schedule(schedule));
        Assert.Null(KeywordDocs.Schedule("vq"));
    }

    private const string Model = """
        model Options {
          image 1x8x8
          diffusion DIFFUSION
          stages STAGES
          encoder ENCODER { width 8  mult [1, 2]  blocks 1  EMBEDDING  MIDDLE  GROUPS }
          decoder a { width 8 }
          decoder b { width 8 }
          train { batch 4  STAGE_SAMPLING }
          sample { solver ddim  steps 4  CLIP }
        }
        """;

    /// <summary>Where each completion list's words go in <see cref="Model"/>, and what the rest of the model holds.</summary>
    private static readonly System.Collections.Generic.Dictionary<string, Func<string, string>> Places = new()
    {
        ["predicts"] = w => Fill(diffusion: w == "edm" ? "edm predicts edm" : $"vp predicts {w}"),
        ["stage_sampling"] = w => Fill(stageSampling: $"stage_sampling {w}"),
        ["embedding"] = w => Fill(embedding: $"embedding {w}"),
        ["middle"] = w => Fill(middle: $"middle {w}"),
        ["clip"] = w => Fill(clip: $"clip {w}"),
        ["spacing"] = w => Fill(clip: $"spacing {w}").Replace("solver ddim", "solver dpm_solver_pp2m"),
        ["flip"] = w => Fill(stageSampling: $"flip {w}"),
        ["precision"] = w => Fill(stageSampling: $"precision {w}"),
        ["stages"] = w => Fill(stages: $"{w} t {{ a [0, 0.5); b [0.5, 1] }}"),
        ["in"] = w => w == "sigma" ? Fill(diffusion: "edm predicts edm", stages: "in sigma { a [0.002, 1); b [1, 80] }") : Fill(stages: $"in {w} {{ a [0, 0.5); b [0.5, 1] }}"),
        // adm's GroupNorm32 and 32 channels per head need widths of 32: the tiny model names its groups and heads instead.
        ["encoder"] = w => (w == "adm" ? Fill(groups: "groups max 2  attention at 4 heads 1") : Fill()).Replace("encoder ddpmpp {", $"encoder {w} {{"),
        ["groups"] = w => Fill(groups: $"groups {w} 2"),
    };

    private static string Fill(string diffusion = "vp predicts eps", string stages = "{ a [0, 0.5); b [0.5, 1] }", string embedding = "",
                               string middle = "", string groups = "", string stageSampling = "", string clip = "") =>
        Model.Replace("DIFFUSION", diffusion).Replace("STAGES", stages).Replace("ENCODER", "ddpmpp").Replace("EMBEDDING", embedding)
             .Replace("MIDDLE", middle).Replace("GROUPS", groups).Replace("STAGE_SAMPLING", stageSampling).Replace("CLIP", clip);

    private static string[] Errors(string text) =>
        MsdCompiler.Compile(text).Diagnostics.Where(d => d.IsError).Select(d => d.Format("options.msd")).ToArray();

    /// <summary>Every word completion offers after a keyword compiles there, and a word it does not offer is refused.</summary>
    [Fact]
    public void EveryOfferedWordCompilesAndOthersDoNot()
    {
        Assert.Empty(Errors(Fill()));
        Assert.Equal(Places.Keys.OrderBy(k => k, StringComparer.Ordinal), KeywordDocs.Options.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var (keyword, (_, _, words)) in KeywordDocs.Options)
        {
            foreach (var word in words)
                Assert.True(Errors(Places[keyword](word)) is { Length: 0 } errors, $"{keyword} {word}: {string.Join("; ", Errors(Places[keyword](word)))}");
            Assert.NotEmpty(Errors(Places[keyword]("bogus")));
        }
    }
}
