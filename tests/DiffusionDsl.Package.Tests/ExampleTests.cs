using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace DiffusionDsl.Package.Tests;

/// <summary>
/// The examples/ projects take DiffusionDsl from the local feed, like a user's project; each must build
/// from it, and the two that only print cost tables must print the right ones. (QuickStart is built,
/// not run: training it is scripts/main-job.sh's job.) The builds write only examples/*/bin and obj.
/// </summary>
[Collection(DotnetBuilds.Name)]
public class ExampleTests
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    [LocalFeedTheory]
    [InlineData("QuickStart")]
    [InlineData("FashionMnist")]
    [InlineData("Cifar10Paper")]
    public void ExampleBuildsFromTheFeed(string example) => Build(example);

    [LocalFeedFact]
    public void Cifar10PaperPrintsThePapersParameterTotal()
    {
        var output = BuildAndRun("Cifar10Paper");
        // "Cifar10Multistage: 128,793,385 parameters, ..." (the separators follow the current culture).
        var total = Regex.Match(output, @"^Cifar10Multistage: ([\d.,\s\u00a0\u202f]+) parameters", RegexOptions.Multiline);
        Assert.True(total.Success, output);
        Assert.Equal("128793385", new string(total.Groups[1].Value.Where(char.IsDigit).ToArray()));
    }

    [LocalFeedFact]
    public void FashionMnistPrintsThreeModels()
    {
        var output = BuildAndRun("FashionMnist");
        var models = Regex.Matches(output, @"^(\w+): [\d.,\s\u00a0\u202f]+ parameters", RegexOptions.Multiline).Select(m => m.Groups[1].Value);
        Assert.True(models.SequenceEqual(new[] { "multistage", "unified", "separate" }), output);
    }

    private static string Folder(string example) => Path.Combine(LocalFeed.RepoRoot!, "examples", example);

    private static void Build(string example)
    {
        var build = DotnetProcess.Run(
            $"build {example}.csproj -c Release --disable-build-servers -p:UseSharedCompilation=false -p:DiffusionDslVersion={LocalFeed.Version}",
            Folder(example), BuildTimeout);
        Assert.True(build.ExitCode == 0, build.Output);
    }

    private static string BuildAndRun(string example)
    {
        Build(example);
        var run = DotnetProcess.Run("run --no-build -c Release", Folder(example), RunTimeout);
        Assert.True(run.ExitCode == 0, run.Output);
        return run.Output;
    }
}

/// <summary>Tests that build with the dotnet CLI run one at a time: two builds of the same example would
/// share its obj/, and on a small machine parallel builds only race for the same cores.</summary>
[CollectionDefinition(Name)]
public sealed class DotnetBuilds
{
    public const string Name = "dotnet builds";
}
