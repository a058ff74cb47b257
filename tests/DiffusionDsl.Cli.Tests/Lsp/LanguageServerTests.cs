using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using DiffusionDsl.Language;
using DiffusionDsl.Language.Semantics;
using Newtonsoft.Json.Linq;
using DiffusionDsl.Tests.Shared;
using static DiffusionDsl.Cli.Tests.Lsp.TestDocument;

namespace DiffusionDsl.Cli.Tests.Lsp;

/// <summary>
/// `msd lsp` over its standard input and output, driven by a JSON-RPC client as an editor drives it: open and change a
/// document and receive the compiler's diagnostics, hover, complete, go to definition, format, shut down.
/// </summary>
public class LanguageServerTests
{
    [Fact]
    public async Task DiagnosticsFollowEachChangeWithTheBuildsCodesAndSpans()
    {
        await using var client = await LspClient.StartAsync();
        await client.OpenAsync(DocumentUri, Tiny);
        var opened = await client.NextDiagnosticsAsync();
        Assert.Equal(DocumentUri, opened.Value<string>("uri"));
        Assert.Empty(opened["diagnostics"]!);

        // As typed: a misspelt schedule, then a decoder for a stage that does not exist, then a syntax error.
        foreach (var text in new[]
                 {
                     Tiny.Replace("diffusion vp(", "diffusion vq("),
                     Tiny.Replace("decoder middle ", "decoder midle "),
                     Tiny.Replace("width 8\n", "width 8 ]\n"),
                 })
        {
            await client.ChangeAsync(DocumentUri, text);
            var published = await client.NextDiagnosticsAsync();
            Assert.Equal(client.Version, published.Value<int>("version"));
            var expected = MsdCompiler.Compile(text).Diagnostics;
            var actual = (JArray)published["diagnostics"]!;
            Assert.NotEmpty(expected);
            Assert.Equal(expected.Count, actual.Count);
            foreach (var (want, got) in expected.Zip(actual))
            {
                Assert.Equal(want.Id, got.Value<string>("code"));
                Assert.Equal(want.Message, got.Value<string>("message"));
                Assert.Equal(want.IsError ? 1 : 2, got.Value<int>("severity"));
                Assert.Equal(want.Start.Line, got["range"]!["start"]!.Value<int>("line"));
                Assert.Equal(want.Start.Character, got["range"]!["start"]!.Value<int>("character"));
                Assert.Equal(want.End.Line, got["range"]!["end"]!.Value<int>("line"));
                Assert.Equal(want.End.Character, got["range"]!["end"]!.Value<int>("character"));
            }
        }
        var codes = MsdCompiler.Compile(Tiny.Replace("diffusion vp(", "diffusion vq(")).Diagnostics.Select(d => d.Id);
        Assert.Contains("MSD0006", codes);

        await client.ChangeAsync(DocumentUri, Tiny);
        Assert.Empty((await client.NextDiagnosticsAsync())["diagnostics"]!);
        Assert.Equal(0, await client.ShutdownAsync());
    }

    [Fact]
    public async Task DiagnosticsUseTheProjectsRootNamespaceAsTheBuildDoes()
    {
        // A model named System without a namespace: in the global namespace it would hide System (an error), in the
        // project's RootNamespace it is fine, and the build compiles it there.
        var text = Tiny.Replace("model TinyMultistage", "model System").Replace("  namespace DiffusionDsl.Generator.Tests.Models\n", "");
        Assert.Contains(MsdCompiler.Compile(text).Diagnostics, d => d.IsError);
        Assert.Empty(MsdCompiler.Compile(text, "MyModels").Diagnostics);
        using var scratch = new ScratchFolder();
        var project = scratch.Path;
        File.WriteAllText(Path.Combine(project, "MyModels.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><RootNamespace>MyModels</RootNamespace></PropertyGroup></Project>");
        Directory.CreateDirectory(Path.Combine(project, "Models"));
        var inProject = new System.Uri(Path.Combine(project, "Models", "System.msd")).AbsoluteUri;
        await using var client = await LspClient.StartAsync();
        await client.OpenAsync(inProject, text);
        Assert.Empty((await client.NextDiagnosticsAsync())["diagnostics"]!);
        await client.OpenAsync("untitled:System.msd", text);
        Assert.NotEmpty((await client.NextDiagnosticsAsync())["diagnostics"]!);
    }

    [Fact]
    public async Task HoverOnAStageShowsItsRangeParametersAndGflops()
    {
        var compilation = MsdCompiler.Compile(Tiny);
        var model = compilation.Model!;
        var cost = compilation.Cost!.Stages.Single(s => s.Stage == "middle");
        await using var client = await LspClient.StartAsync();
        await client.OpenAsync(DocumentUri, Tiny);
        await client.NextDiagnosticsAsync();

        var (line, character) = Find(Tiny, "middle     [");
        var onStage = (await client.AtAsync("textDocument/hover", DocumentUri, line, character + 2))["contents"]!.Value<string>("value")!;
        Assert.Contains("**stage middle**", onStage);
        Assert.Contains("t in [0.442, 0.631)", onStage);
        string sigma = $"sigma in [{model.Schedule.Sigma(0.442).ToString("G6", CultureInfo.InvariantCulture)}, {model.Schedule.Sigma(0.631).ToString("G6", CultureInfo.InvariantCulture)})";
        Assert.Contains(sigma, onStage);
        Assert.Contains($"{cost.DecoderParameters.ToString("N0", CultureInfo.InvariantCulture)} parameters", onStage);
        Assert.Contains($"active in this stage: {cost.ActiveParameters.ToString("N0", CultureInfo.InvariantCulture)} parameters", onStage);
        Assert.Contains($"{cost.GFlops.ToString("0.0000", CultureInfo.InvariantCulture)} GFLOPs per image", onStage);

        // The same card on the decoder's stage name; the last stage's interval is closed.
        var (dl, dc) = Find(Tiny, "middle", after: "decoder middle");
        Assert.Equal(onStage, (await client.AtAsync("textDocument/hover", DocumentUri, dl, dc + 1))["contents"]!.Value<string>("value"));
        var (nl, nc) = Find(Tiny, "near_noise", after: "decoder near_noise");
        Assert.Contains("t in [0.631, 1]", (await client.AtAsync("textDocument/hover", DocumentUri, nl, nc))["contents"]!.Value<string>("value"));

        // While the text has errors the card comes from the last version that compiled, and says so.
        await client.ChangeAsync(DocumentUri, Tiny.Replace("width 8\n", "width 8 ]\n"));
        await client.NextDiagnosticsAsync();
        await client.ChangeAsync(DocumentUri, Tiny.Replace("blocks 1", "blocks 0"));
        await client.NextDiagnosticsAsync();
        var stale = (await client.AtAsync("textDocument/hover", DocumentUri, line, character))["contents"]!.Value<string>("value")!;
        Assert.Contains(cost.GFlops.ToString("0.0000", CultureInfo.InvariantCulture), stale);
        Assert.Contains("last version that compiled", stale);
    }

    [Fact]
    public async Task HoverOnAKeywordShowsItsDocLineForItsSection()
    {
        await using var client = await LspClient.StartAsync();
        await client.OpenAsync(DocumentUri, Tiny);
        await client.NextDiagnosticsAsync();

        async Task<string> Hover(string text, string? after = null)
        {
            var (line, character) = Find(Tiny, text, after);
            var hover = await client.AtAsync("textDocument/hover", DocumentUri, line, character);
            Assert.Equal(JTokenType.Object, hover.Type);
            return hover["contents"]!.Value<string>("value")!;
        }

        Assert.Contains("shared by every stage", await Hover("encoder ddpmpp"));
        Assert.Contains("Dropout in the residual blocks".ToLowerInvariant(), (await Hover("dropout 0.1")).ToLowerInvariant());
        Assert.Contains("training steps", await Hover("steps 20"));
        Assert.Contains("solver steps", await Hover("steps 12"));
        Assert.Contains("DPM-Solver, third order", await Hover("dpm_solver3"));
        Assert.Contains("continuous VP SDE", await Hover("vp("));
        // A number is no keyword: no hover.
        var (line, character) = Find(Tiny, "0.442)");
        Assert.Equal(JTokenType.Null, (await client.AtAsync("textDocument/hover", DocumentUri, line, character + 1)).Type);
    }

    [Fact]
    public async Task CompletionOffersTheSectionsKeywordsSchedulesSolversAndStages()
    {
        await using var client = await LspClient.StartAsync();
        string text = Tiny;
        await client.OpenAsync(DocumentUri, text);
        await client.NextDiagnosticsAsync();

        async Task<string[]> Complete(string edited, string marker)
        {
            await client.ChangeAsync(DocumentUri, edited.Replace(marker, ""));
            await client.NextDiagnosticsAsync();
            var (line, character) = Find(edited, marker);
            var list = await client.AtAsync("textDocument/completion", DocumentUri, line, character);
            return list["items"]!.Select(i => i.Value<string>("label")!).ToArray();
        }

        var inModel = await Complete(text.Replace("  encoder ddpmpp {", "  $\n  encoder ddpmpp {"), "$");
        Assert.Equal(new[] { "namespace", "image", "diffusion", "stages", "encoder", "decoder", "train", "sample" }, inModel);
        var inTrain = await Complete(text.Replace("train { batch 8;", "train { batch 8; e$"), "$");
        Assert.Contains("ema", inTrain);
        Assert.DoesNotContain("solver", inTrain);
        Assert.Equal(SolverNames.All.ToArray(), await Complete(text.Replace("solver dpm_solver3", "solver $"), "$"));
        Assert.Equal(new[] { "vp", "ddpm", "scaled_linear", "cosine", "edm" }, await Complete(text.Replace("diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps", "diffusion $"), "$"));
        Assert.Equal(new[] { "eps", "x0", "v", "edm" }, await Complete(text.Replace("predicts eps", "predicts $"), "$"));
        Assert.Equal(new[] { "near_noise" }, await Complete(text.Replace("decoder near_noise { width 4 }", "decoder $"), "$")); // the stage without a decoder
        Assert.Equal(new[] { "uniform", "proportional", "mixed", "cyclic" }, await Complete(text.Replace("stage_sampling mixed", "stage_sampling m$"), "$"));
        // After a value of a keyword without options there is nothing to offer.
        Assert.Empty(await Complete(text.Replace("width 8\n", "width 8$\n"), "$"));
        // Inside a comment neither.
        Assert.Empty(await Complete(text.Replace("train { batch 8;", "train { # e$\n batch 8;"), "$"));
    }

    [Fact]
    public async Task DefinitionGoesFromADecoderToItsStage()
    {
        await using var client = await LspClient.StartAsync();
        await client.OpenAsync(DocumentUri, Tiny);
        await client.NextDiagnosticsAsync();

        var (line, character) = Find(Tiny, "near_noise", after: "decoder near_noise");
        var location = await client.AtAsync("textDocument/definition", DocumentUri, line, character + 3);
        var (stageLine, stageCharacter) = Find(Tiny, "near_noise [");
        Assert.Equal(DocumentUri, location.Value<string>("uri"));
        Assert.Equal(stageLine, location["range"]!["start"]!.Value<int>("line"));
        Assert.Equal(stageCharacter, location["range"]!["start"]!.Value<int>("character"));
        Assert.Equal(stageCharacter + "near_noise".Length, location["range"]!["end"]!.Value<int>("character"));

        // Not on a decoder's stage name: no definition.
        var (wl, wc) = Find(Tiny, "width 4");
        Assert.Equal(JTokenType.Null, (await client.AtAsync("textDocument/definition", DocumentUri, wl, wc)).Type);
    }

    [Fact]
    public async Task FormattingReindentsByNestingAndKeepsTheMeaning()
    {
        const string messy = "model M {   \n" +
                             "image 1x8x8\n" +
                             "      diffusion vp predicts eps\n" +
                             "\tstages {\n" +
                             "near_data  [0, 0.5)   # aligned columns stay\n" +
                             "        near_noise [0.5, 1]\n" +
                             "    }\n" +
                             "encoder ddpmpp { width 8  mult [1, 2]\n" +
                             "blocks 1 }\n" +
                             "decoder near_data { width 8 }\n" +
                             "decoder near_noise { width 8 }\n" +
                             "}\n";
        const string formatted = "model M {\n" +
                                 "  image 1x8x8\n" +
                                 "  diffusion vp predicts eps\n" +
                                 "  stages {\n" +
                                 "    near_data  [0, 0.5)   # aligned columns stay\n" +
                                 "    near_noise [0.5, 1]\n" +
                                 "  }\n" +
                                 "  encoder ddpmpp { width 8  mult [1, 2]\n" +
                                 "    blocks 1 }\n" +
                                 "  decoder near_data { width 8 }\n" +
                                 "  decoder near_noise { width 8 }\n" +
                                 "}\n";
        await using var client = await LspClient.StartAsync();
        await client.OpenAsync(DocumentUri, messy);
        await client.NextDiagnosticsAsync();
        var edits = (JArray)await client.RequestAsync("textDocument/formatting", new { textDocument = new { uri = DocumentUri }, options = new { tabSize = 2, insertSpaces = true } });
        var edit = Assert.Single(edits);
        Assert.Equal(formatted, edit.Value<string>("newText"));
        Assert.Equal(0, edit["range"]!["start"]!.Value<int>("line"));
        Assert.Equal(12, edit["range"]!["end"]!.Value<int>("line"));
        Assert.Equal(MsdCompiler.Compile(messy).Cost, MsdCompiler.Compile(formatted).Cost);
        Assert.NotNull(MsdCompiler.Compile(formatted).Cost);

        // The committed examples are formatted already: no edits.
        foreach (var example in ExampleFiles())
        {
            await client.ChangeAsync(DocumentUri, File.ReadAllText(example));
            await client.NextDiagnosticsAsync();
            var none = await client.RequestAsync("textDocument/formatting", new { textDocument = new { uri = DocumentUri }, options = new { tabSize = 2, insertSpaces = true } });
            Assert.True(!none.Any(), $"{example}: {none}");
        }
    }

    internal static string[] ExampleFiles()
    {
        var repo = RepositoryRoot.Path;
        return Directory.GetFiles(Path.Combine(repo, "examples"), "*.msd", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(repo, "tests", "Fixtures", "TinyModels"), "*.msd"))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .OrderBy(f => f, StringComparer.Ordinal).ToArray();
    }
}
