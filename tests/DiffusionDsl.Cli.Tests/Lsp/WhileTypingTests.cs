using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using static DiffusionDsl.Cli.Tests.Lsp.TestDocument;

namespace DiffusionDsl.Cli.Tests.Lsp;

/// <summary>The editor features on text being typed: broken lines, half-written statements, settings sharing a line.</summary>
public class WhileTypingTests
{
    private static async Task<LspClient> OpenAsync(string text)
    {
        var client = await LspClient.StartAsync();
        await client.OpenAsync(DocumentUri, text);
        await client.NextDiagnosticsAsync();
        return client;
    }

    [Fact]
    public async Task HoverAndDefinitionWorkOnTheLinesThatParseWhileAnotherDoesNot()
    {
        // An unclosed sample section and a half-typed line: the text does not parse.
        string text = Tiny.Replace("sample { solver dpm_solver3; steps 12; count 4 }", "sample { solver dpm_solver3; steps 12").Replace("    blocks 1\n", "    blocks 1 [\n");
        Assert.Null(DiffusionDsl.Language.MsdCompiler.Compile(text).Model);
        await using var client = await OpenAsync(text);

        var (line, character) = Find(text, "middle     [");
        var card = await client.AtAsync("textDocument/hover", DocumentUri, line, character + 1);
        Assert.Contains("**stage middle**", card["contents"]!.Value<string>("value"));
        var (kl, kc) = Find(text, "dropout 0.1");
        Assert.Contains("residual blocks", (await client.AtAsync("textDocument/hover", DocumentUri, kl, kc))["contents"]!.Value<string>("value"));

        var (dl, dc) = Find(text, "near_noise", after: "decoder near_noise");
        var location = await client.AtAsync("textDocument/definition", DocumentUri, dl, dc + 2);
        Assert.Equal(Find(text, "near_noise [").Line, location["range"]!["start"]!.Value<int>("line"));
    }

    /// <summary>A file opened with a syntax error that never compiled still gets a stage's figures, from its text without the broken line.</summary>
    [Fact]
    public async Task AFileOpenedBrokenGetsFiguresFromItsTextWithoutTheBrokenLine()
    {
        string text = Tiny.Replace("train { batch 8; lr 1e-3; steps 20; stage_sampling mixed }", "train { batch 8; lr 1e-3; steps 20 ) }");
        Assert.Null(DiffusionDsl.Language.MsdCompiler.Compile(text).Model);
        await using var client = await OpenAsync(text);
        var (line, character) = Find(text, "middle     [");
        var card = (await client.AtAsync("textDocument/hover", DocumentUri, line, character + 1))["contents"]!.Value<string>("value")!;
        var cost = DiffusionDsl.Language.MsdCompiler.Compile(Tiny).Cost!.Stages.Single(s => s.Stage == "middle");
        Assert.Contains($"{cost.GFlops.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture)} GFLOPs per image", card);
        Assert.Contains("(from this text without its broken lines: it has errors)", card);
    }

    /// <summary>Text broken on thousands of lines is being rewritten, not typed: recovery gives up at once, and the server answers.</summary>
    [Fact]
    public async Task AHopelesslyBrokenTextGetsNoHoverAndTheServerAnswers()
    {
        string text = "model M {\n" + string.Concat(Enumerable.Repeat("  x (\n", 40_000)) + "  image " + new string('[', 20_000) + "\n";
        await using var client = await OpenAsync(text);
        Assert.Equal(JTokenType.Null, (await client.AtAsync("textDocument/hover", DocumentUri, 1, 3)).Type);
        Assert.Equal(JTokenType.Null, (await client.AtAsync("textDocument/definition", DocumentUri, 40_001, 3)).Type);
    }

    [Fact]
    public async Task SettingsSharingALineEachHaveTheirHover()
    {
        string text = Tiny.Replace("    width 8\n    mult [1, 2]\n    blocks 1\n", "    width 8  mult [1, 2]  blocks 1\n")
                          .Replace("sample { solver dpm_solver3; steps 12; count 4 }", "sample { steps 12  solver heun  count 4 }");
        Assert.NotNull(DiffusionDsl.Language.MsdCompiler.Compile(text).Model);
        await using var client = await OpenAsync(text);

        async Task<string> Hover(string word, string after)
        {
            var (line, character) = Find(text, word, after);
            var hover = await client.AtAsync("textDocument/hover", DocumentUri, line, character + 1);
            Assert.Equal(JTokenType.Object, hover.Type);
            return hover["contents"]!.Value<string>("value")!;
        }

        Assert.Contains("channel multiplier", await Hover("mult", "width 8"));
        Assert.Contains("residual blocks per level", await Hover("blocks", "width 8"));
        Assert.Contains("Heun", await Hover("heun", "sample {"));       // a value of the second setting on its line
        Assert.Contains("images per `msd sample`", await Hover("count", "sample {"));

        // A keyword right after one that needs a value is that value, as the compiler reads it: `solver steps` is no `steps`.
        text = text.Replace("solver heun", "solver steps");
        await client.ChangeAsync(DocumentUri, text);
        await client.NextDiagnosticsAsync();
        var (sl, sc) = Find(text, "steps", after: "solver steps");
        Assert.Equal(JTokenType.Null, (await client.AtAsync("textDocument/hover", DocumentUri, sl, sc + 1)).Type);
    }

    [Fact]
    public async Task CompletionOffersOnlyWhatCompilesWhereItIsTyped()
    {
        await using var client = await OpenAsync(Tiny);

        async Task<string[]> Complete(string edited, string marker = "$")
        {
            await client.ChangeAsync(DocumentUri, edited.Replace(marker, ""));
            await client.NextDiagnosticsAsync();
            var (line, character) = Find(edited, marker);
            var list = await client.AtAsync("textDocument/completion", DocumentUri, line, character);
            return list["items"]!.Select(i => i.Value<string>("label")!).ToArray();
        }

        // A stage named like an option keyword is a stage: nothing is offered after it.
        Assert.Empty(await Complete(Tiny.Replace("middle     [0.442", "middle $[0.442")));
        Assert.Empty(await Complete(Tiny.Replace("decoder middle     {", "decoder middle ${")));
        Assert.Empty(await Complete(Tiny.Replace("near_data  [0, 0.442)\n    middle", "near_data  [0, 0.442)\n    in $[0.442").Replace("decoder middle ", "decoder in ")));
        // Inside a schedule's parentheses: parameters, not `predicts`.
        Assert.Empty(await Complete(Tiny.Replace("vp(beta_min", "vp($beta_min")));
        // Only the stages that have no decoder yet.
        Assert.Equal(new[] { "middle" }, await Complete(Tiny.Replace("decoder middle     { width 8 }", "decoder $")));
        // After the model, nothing: a file holds one.
        Assert.Empty(await Complete(Tiny + "$"));
        // Where options belong they are still offered.
        Assert.Equal(new[] { "t", "sigma" }, await Complete(Tiny.Replace("stages {", "stages in ${")));
        Assert.Equal(new[] { "encoder", "decoder" }, await Complete(Tiny.Replace("    blocks 1\n", "    blocks 1\n    middle $\n")));
    }

    [Fact]
    public async Task AChangeWithARangeReplacesThatRangeOnly()
    {
        await using var client = await OpenAsync(Tiny);
        var (line, character) = Find(Tiny, "dropout 0.1");
        await client.NotifyAsync("textDocument/didChange", new
        {
            textDocument = new { uri = DocumentUri, version = 100 },
            contentChanges = new object[]
            {
                new { range = new { start = new { line, character = character + 8 }, end = new { line, character = character + 11 } }, text = "1.5" },
            },
        });
        var diagnostics = await client.NextDiagnosticsAsync();
        var error = Assert.Single(diagnostics["diagnostics"]!);
        Assert.Equal("MSD0040", error.Value<string>("code"));
        Assert.Equal(line, error["range"]!["start"]!.Value<int>("line"));
        Assert.Equal(character + 8, error["range"]!["start"]!.Value<int>("character"));
    }

    [Fact]
    public async Task FormattingLeavesAFileNestedDeeperThanTheCompilerAcceptsAsItIs()
    {
        string deep = "model X {\n" + string.Concat(Enumerable.Repeat("a {\n", 5000));
        await using var client = await OpenAsync(deep);
        var edits = await client.RequestAsync("textDocument/formatting", new { textDocument = new { uri = DocumentUri }, options = new { tabSize = 16, insertSpaces = true } });
        Assert.Empty(edits);
    }
}
