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

    [FeedTheory]
    [InlineData("QuickStart")]
    [InlineData("FashionMnist")]
    [InlineData("Cifar10Paper")]
    [InlineData("PaperComparisons")]
    public void ExampleBuildsFromTheFeed(string example) => Build(example);

    [FeedFact]
    public void Cifar10PaperPrintsThePapersParameterTotal()
    {
        var output = BuildAndRun("Cifar10Paper");
        // "Cifar10Multistage: 128,793,385 parameters, ..." (the separators follow the current culture).
        var total = Regex.Match(output, @"^Cifar10Multistage: ([\d.,\s\u00a0\u202f]+) parameters", RegexOptions.Multiline);
        Assert.True(total.Success, output);
        Assert.Equal("128793385", new string(total.Groups[1].Value.Where(char.IsDigit).ToArray()));
    }

    [FeedFact]
    public void FashionMnistPrintsThreeModels()
    {
        var output = BuildAndRun("FashionMnist");
        var models = Regex.Matches(output, @"^(\w+): [\d.,\s\u00a0\u202f]+ parameters", RegexOptions.Multiline).Select(m => m.Groups[1].Value);
        Assert.True(models.SequenceEqual(new[] { "multistage", "unified", "separate" }), output);
    }

    [FeedFact]
    public void PaperComparisonsGivesEveryModelTheSameTrainingBudget()
    {
        var output = BuildAndRun("PaperComparisons", "plan --budget 15000");
        // "multistage    679,675     0.1135       10.89   1,377  ...": model, parameters, GFLOPs per image, GFLOPs per step, steps.
        var rows = Regex.Matches(output, @"^(\w+)\s+[\d,]+\s+[\d.]+\s+([\d.]+)\s+([\d,]+)\s", RegexOptions.Multiline)
            .Select(m => (Model: m.Groups[1].Value, PerStep: double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture),
                          Steps: long.Parse(m.Groups[3].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        Assert.True(rows.Select(r => r.Model).SequenceEqual(new[] { "multistage", "unified", "separate", "equal", "reversed", "uniform", "logsnr", "groups" }), output);
        foreach (var row in rows) Assert.InRange(row.PerStep * row.Steps, 15000 * 0.99, 15000 * 1.01);
        // A cheaper step buys more steps: the reversed decoders (narrow where most samples land) get the most.
        Assert.Equal("reversed", rows.MaxBy(r => r.Steps).Model);
    }

    private static string Folder(string example) => Path.Combine(LocalFeed.RepoRoot!, "examples", example);

    private static void Build(string example)
    {
        var build = DotnetProcess.Run(
            $"build {example}.csproj -c Release --disable-build-servers -p:UseSharedCompilation=false -p:DiffusionDslVersion={LocalFeed.Version}",
            Folder(example), BuildTimeout);
        Assert.True(build.ExitCode == 0, build.Output);
        // No .msd warning either: PaperComparisons' reversed decoders warn MSD0050 by design, and its project silences
        // that one ID with NoWarn, as the README says a user's project can.
        Assert.DoesNotContain("warning MSD", build.Output);
    }

    private static string BuildAndRun(string example, string arguments = "")
    {
        Build(example);
        var run = DotnetProcess.Run($"run --no-build -c Release -- {arguments}", Folder(example), RunTimeout);
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
