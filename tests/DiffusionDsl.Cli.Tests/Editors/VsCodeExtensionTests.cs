using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;

namespace DiffusionDsl.Cli.Tests.Editors;

/// <summary>editors/vscode: its manifest names the grammar and the language, and its client starts `msd lsp`.</summary>
public class VsCodeExtensionTests
{
    private static string Folder => Path.Combine(RepositoryRoot.Path, "editors", "vscode");

    [Fact]
    public void TheManifestContributesTheMsdLanguageAndItsGrammar()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "package.json")))!;
        var language = manifest["contributes"]!["languages"]!.AsArray().Single()!;
        Assert.Equal("msd", language["id"]!.GetValue<string>());
        Assert.Equal(".msd", language["extensions"]!.AsArray().Single()!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(Folder, language["configuration"]!.GetValue<string>())));

        var grammar = manifest["contributes"]!["grammars"]!.AsArray().Single()!;
        Assert.Equal("msd", grammar["language"]!.GetValue<string>());
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, grammar["path"]!.GetValue<string>())))!;
        Assert.Equal(grammar["scopeName"]!.GetValue<string>(), file["scopeName"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(Folder, manifest["main"]!.GetValue<string>())));
    }

    /// <summary>A stage's interval is half-open, `[0, 0.45)`: an editor that closed `[` with `]`, or matched them, would fight every stage line.</summary>
    [Fact]
    public void SquareBracketsAreNeitherAutoClosedNorMatched()
    {
        var configuration = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "language-configuration.json")))!;
        Assert.DoesNotContain(configuration["autoClosingPairs"]!.AsArray(), pair => pair!["open"]!.GetValue<string>() == "[");
        Assert.DoesNotContain(configuration["brackets"]!.AsArray(), pair => pair![0]!.GetValue<string>() == "[");
        Assert.Contains(configuration["brackets"]!.AsArray(), pair => pair![0]!.GetValue<string>() == "{");
    }

    [Fact]
    public void TheClientStartsTheCommandMsdHas()
    {
        var (exitCode, output) = Run("test/activate.js");
        Assert.True(exitCode == 0, output);
        Assert.Contains("extension client: ok", output);
        // The command it starts by default, `msd lsp`, is one msd has.
        Assert.Contains(CliApp.Build(new RecordingConsole().Console).Subcommands, c => c.Name == "lsp");
    }

    private static (int ExitCode, string Output) Run(string script)
    {
        NodeTooling.EnsureNode();
        return NodeTooling.Run("node", script, Folder, TimeSpan.FromMinutes(1));
    }
}
