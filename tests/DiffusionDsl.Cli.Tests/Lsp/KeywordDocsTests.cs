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
}
