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

    [FeedFact]
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

    [FeedFact]
    public void MsdExportPyTorchWritesTheModelsPyTorchExportAfterTheBuild()
    {
        using var project = new ScratchProject(LocalFeed.Folder!, LocalFeed.Version!);
        project.Write("Models/Tiny.msd", Model);
        project.Write("Program.cs", "System.Console.WriteLine(\"model hash \" + Scratch.Models.Tiny.SourceHash);");

        var build = project.Dotnet("build --disable-build-servers -p:UseSharedCompilation=false -p:MsdExportPyTorch=true", TimeSpan.FromMinutes(8));
        Assert.True(build.ExitCode == 0, build.Output);

        var folder = System.IO.Path.Combine(project.Folder, "bin", "Debug", "net10.0", "linux-x64", "pytorch", "Tiny");
        Assert.Contains($"Tiny.msd -> ", build.Output);
        foreach (var file in new[] { "tiny.py", "train.py", "sample.py", "README.md" })
            Assert.True(System.IO.File.Exists(System.IO.Path.Combine(folder, file)), $"{file} missing from {folder}:\n{build.Output}");
        // The module carries the same model hash as the generated C# model, so checkpoints of either side load in the other.
        var run = project.Dotnet("run --no-build", TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0, run.Output);
        var module = System.IO.File.ReadAllText(System.IO.Path.Combine(folder, "tiny.py"));
        var hash = System.Text.RegularExpressions.Regex.Match(run.Output, "model hash ([0-9a-f]{32})").Groups[1].Value;
        Assert.Matches("^[0-9a-f]{32}$", hash);
        Assert.Contains($"SOURCE_HASH = \"{hash}\"", module);
        Assert.Contains("class Tiny(MultistageUNet):", module);
    }
}
