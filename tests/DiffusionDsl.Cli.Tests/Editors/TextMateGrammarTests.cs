using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using DiffusionDsl.Cli.Tests.Lsp;
using DiffusionDsl.Tests.Shared;

namespace DiffusionDsl.Cli.Tests.Editors;

/// <summary>
/// The VS Code extension's TextMate grammar (editors/vscode/syntaxes/msd.tmLanguage.json) tokenizes every example .msd
/// as its approved snapshot says (editors/grammar-test: vscode-textmate and vscode-oniguruma from npm, run by node).
/// </summary>
public class TextMateGrammarTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private static string Folder => Path.Combine(RepositoryRoot.Path, "editors", "grammar-test");

    public static IEnumerable<object[]> Files() =>
        LanguageServerTests.ExampleFiles().Select(f => new object[] { Path.GetRelativePath(RepositoryRoot.Path, f) });

    private static (int ExitCode, string Output) Tokenize(IEnumerable<string> files, IReadOnlyDictionary<string, string>? environment = null)
    {
        NodeTooling.EnsurePackages(Folder, "vscode-textmate", "vscode-oniguruma");
        var arguments = string.Join(" ", files.Select(file => $"\"{Path.Combine(RepositoryRoot.Path, file)}\""));
        return NodeTooling.Run("node", $"tokenize.js {arguments}", Folder, Timeout, environment);
    }

    /// <summary>One node process tokenizes every file (it loads the grammar and its regex engine once); each case reads its own lines.</summary>
    private static readonly Lazy<(int ExitCode, string Output)> AllFiles = new(() => Tokenize(Files().Select(f => (string)f[0])));

    [Theory]
    [MemberData(nameof(Files))]
    public void TheTokensMatchTheApprovedSnapshot(string file)
    {
        var (exitCode, output) = AllFiles.Value;
        var name = file.Replace('\\', '/');
        var lines = output.Split('\n').Where(line => line.StartsWith($"ok {name} (", StringComparison.Ordinal) || line.StartsWith($"FAIL {name}:", StringComparison.Ordinal)).ToArray();
        Assert.True(lines.Length == 1 && lines[0].StartsWith("ok ", StringComparison.Ordinal), $"exit code {exitCode}:\n{output}");
    }

    [Fact]
    public void AGrammarThatMissesStageNamesFails()
    {
        // The grammar without its rule for the stage lines of `stages { ... }`: the snapshot and the stage check both fail.
        var grammar = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "editors", "vscode", "syntaxes", "msd.tmLanguage.json")))!;
        var inner = grammar["repository"]!["stages"]!["patterns"]![2]!["patterns"]!.AsArray();
        var stageRule = inner.Single(p => p!["captures"]?["1"]?["name"]?.GetValue<string>() == "entity.name.tag.stage.msd");
        inner.Remove(stageRule);
        using var scratch = new ScratchFolder();
        var broken = scratch.Write("msd.tmLanguage.json", grammar.ToJsonString());
        var (exitCode, output) = Tokenize(new[] { Path.Combine("examples", "QuickStart", "FashionQuickStart.msd") }, new Dictionary<string, string> { ["MSD_GRAMMAR"] = broken });
        Assert.Equal(1, exitCode);
        Assert.Contains("stage 'near_data' is not tokenized as entity.name.tag.stage.msd in the stages block", output);
        Assert.Contains("tokens differ from", output);
    }
}
