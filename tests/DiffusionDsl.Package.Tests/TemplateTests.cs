using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace DiffusionDsl.Package.Tests;

/// <summary>`dotnet new msd-model` from the DiffusionDsl.Templates package in the local feed: the project it makes builds
/// against the feed's DiffusionDsl, trains and samples; its options change the .msd; a bad image shape is the compiler's error.</summary>
[Collection(DotnetBuilds.Name)]
public class TemplateTests
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    private static string Slice => Path.Combine(LocalFeed.RepoRoot!, "examples", "QuickStart", "data", "fashion-mnist-2000-images-idx3-ubyte.gz");

    [FeedFact("DiffusionDsl.Templates")]
    public void DefaultProjectTrainsOnTheCommittedSliceAndSamples()
    {
        using var templates = new TemplateFolder();
        var made = templates.New("FashionModel");
        Assert.True(made.ExitCode == 0, made.Output);
        var project = templates.Project("FashionModel");
        var msd = File.ReadAllText(Path.Combine(project, "FashionModel.msd"));
        Assert.Contains("model FashionModel {", msd);
        Assert.Contains("image 1x28x28", msd);
        Assert.Equal(3, Decoders(msd));

        Build(project);
        var output = Path.Combine(project, "run");
        var run = DotnetProcess.Run($"run --no-build -c Release -- \"{Slice}\" 3 \"{output}\"", project, RunTimeout);
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("data: 2000 images", run.Output);
        Assert.Contains("trained to step 3", run.Output);
        Assert.True(File.Exists(Path.Combine(output, "samples.png")), run.Output);
        Assert.True(File.Exists(Path.Combine(output, "checkpoints", "step-00000003.ckpt")), run.Output);

        // Run again: the run goes on from its checkpoint up to the new STEPS, and refuses (one error line) when already there.
        var again = DotnetProcess.Run($"run --no-build -c Release -- \"{Slice}\" 3 \"{output}\"", project, RunTimeout);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("error: step-00000003.ckpt is already at step 3, and Steps is 3: ask for more than 3 steps to continue it.", again.Output);
        var further = DotnetProcess.Run($"run --no-build -c Release -- \"{Slice}\" 4 \"{output}\"", project, RunTimeout);
        Assert.True(further.ExitCode == 0, further.Output);
        Assert.Contains("trained to step 4", further.Output);

        var noData = DotnetProcess.Run("run --no-build -c Release", project, RunTimeout);
        Assert.Equal(1, noData.ExitCode);
        Assert.Contains("error: usage: dotnet run -- DATA [STEPS] [OUTPUT]", noData.Output);
        var missing = DotnetProcess.Run("run --no-build -c Release -- no-such-data.gz 3", project, RunTimeout);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("error: no-such-data.gz: no such file or folder.", missing.Output);
    }

    [FeedTheory("DiffusionDsl.Templates")]
    [InlineData("2", "3x32x32")]
    [InlineData("4", "1x28x28")]
    public void OptionsShapeTheModelAndItBuilds(string stages, string image)
    {
        using var templates = new TemplateFolder();
        var made = templates.New("Shaped", $"--stages {stages} --image {image}");
        Assert.True(made.ExitCode == 0, made.Output);
        var project = templates.Project("Shaped");
        var msd = File.ReadAllText(Path.Combine(project, "Shaped.msd"));
        Assert.Contains($"image {image}", msd);
        Assert.Equal(int.Parse(stages), Decoders(msd));
        Assert.DoesNotContain("#if", msd);
        Build(project);
    }

    [FeedFact("DiffusionDsl.Templates")]
    public void AnImageTheEncoderCannotHalveIsACompilerErrorAtTheMsdLineAndTheOnlyOne()
    {
        using var templates = new TemplateFolder();
        Assert.Equal(0, templates.New("Odd", "--image 1x30x30").ExitCode);
        var build = DotnetProcess.Run("build -c Release --disable-build-servers -p:UseSharedCompilation=false", templates.Project("Odd"), BuildTimeout);
        Assert.NotEqual(0, build.ExitCode);
        Assert.Matches(@"Odd\.msd\(\d+,\d+\): error MSD0030: .*does not divide the image size 30", build.Output);
        // And that error alone: the generator's stand-ins keep Program.cs, which uses the model, free of C# errors.
        Assert.DoesNotMatch(@"error CS\d+", build.Output);
    }

    /// <summary>--feed writes a nuget.config naming the folder DiffusionDsl restores from; without it there is none.</summary>
    [FeedFact("DiffusionDsl.Templates")]
    public void FeedWritesANugetConfigNamingIt()
    {
        using var templates = new TemplateFolder();
        Assert.Equal(0, templates.New("Fed", $"--feed \"{LocalFeed.Folder}\"").ExitCode);
        var config = File.ReadAllText(Path.Combine(templates.Project("Fed"), "nuget.config"));
        Assert.Contains($"<add key=\"diffusiondsl\" value=\"{LocalFeed.Folder}\" />", config);
        Assert.DoesNotContain("FEED_PATH", config);
        // Every other package from the user's own "nuget.org" source (a mirror stays a mirror): no registry address is written.
        Assert.DoesNotContain("https://", config);

        Assert.Equal(0, templates.New("Unfed").ExitCode);
        Assert.False(File.Exists(Path.Combine(templates.Project("Unfed"), "nuget.config")));
    }

    [FeedFact("DiffusionDsl.Templates")]
    public void AStageCountOutsideTheChoicesIsRefused()
    {
        using var templates = new TemplateFolder();
        var made = templates.New("TooMany", "--stages 7");
        Assert.NotEqual(0, made.ExitCode);
        Assert.Contains("--stages", made.Output);
        Assert.False(Directory.Exists(templates.Project("TooMany")));
    }

    private static int Decoders(string msd) => Regex.Matches(msd, @"^\s*decoder \w+\s+\{", RegexOptions.Multiline).Count;

    private static void Build(string project)
    {
        var build = DotnetProcess.Run("build -c Release --disable-build-servers -p:UseSharedCompilation=false", project, BuildTimeout);
        Assert.True(build.ExitCode == 0, build.Output);
    }
}
