using System;

namespace DiffusionDsl.Package.Tests;

[Collection(DotnetBuilds.Name)]
public class PackagedGeneratorTests
{
    private const string Model = """
        // In a subfolder: the package's props must find .msd files anywhere but bin/ and obj/.
        model Tiny {
          namespace Scratch.Models
          image 1x8x8
          diffusion vp predicts eps
          stages {
            low  [0, 0.5)
            high [0.5, 1]
          }
          encoder ddpmpp { width 8; mult [1, 2]; blocks 1 }
          decoder low  { width 8 }
          decoder high { width 4 }
        }
        """;

    private const string Program = """
        using Scratch.Models;

        System.Console.WriteLine($"stages {Tiny.Table.Count}; total parameters {Tiny.Cost.TotalParameters}");
        using var model = new Tiny();
        long counted = 0;
        foreach (var p in model.parameters()) counted += p.numel();
        System.Console.WriteLine($"TorchSharp parameters {counted}");
        """;

    [LocalFeedFact]
    public void ScratchProjectGetsItsTypedModelFromThePackages()
    {
        using var project = new ScratchProject(LocalFeed.Folder!, LocalFeed.Version!);
        project.Write("Models/Tiny.msd", Model);
        project.Write("Program.cs", Program);

        var build = project.Dotnet("build --disable-build-servers -p:UseSharedCompilation=false", TimeSpan.FromMinutes(8));
        Assert.True(build.ExitCode == 0, build.Output);

        // Running it loads libtorch, which on Debian 12 needs the package's GLIBCXX patch.
        var run = project.Dotnet("run --no-build", TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0, run.Output);
        var total = System.Text.RegularExpressions.Regex.Match(run.Output, @"total parameters (\d+)").Groups[1].Value;
        Assert.Contains("stages 2;", run.Output);
        Assert.Contains($"TorchSharp parameters {total}", run.Output);
    }
}
