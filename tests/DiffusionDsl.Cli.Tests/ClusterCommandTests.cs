using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using DiffusionDsl.Cli.Commands;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Tests.Shared;

namespace DiffusionDsl.Cli.Tests;

public class ClusterCommandTests
{
    private const string ThreeStages = "model M {\n  stages {\n    a [0, 0.3)   // kept\n    b [0.3, 0.6)\n    c [0.6, 1]\n  }\n}\n";

    private static string WriteIdx(ScratchFolder folder) =>
        WriteBytes(folder.File("train-images-idx3-ubyte"), IdxFile.Images(40, 6, 6, i => (byte)(i * 7919 % 251)));

    private static string WriteBytes(string path, byte[] bytes)
    {
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string[] Boundaries(string output) =>
        Regex.Match(output, @"boundaries \(t\): (.*)").Groups[1].Value.Trim().Split(", ");

    [Fact]
    public void PrintsBoundariesWritesTheHeatmapAndRewritesTheMsd()
    {
        using var folder = new ScratchFolder();
        var data = WriteIdx(folder);
        var msd = folder.Write("model.msd", ThreeStages);
        var heatmap = folder.File("similarity.png");
        var output = new RecordingConsole();

        int exit = CliApp.Run(new[]
        {
            "cluster", "--data", data, "--schedule", "vp", "--stages", "3", "--grid", "7", "--samples", "3",
            "--eta", "0.05", "--msd", msd, "--heatmap", heatmap,
        }, output.Console);

        Assert.True(exit == 0, output.Text);
        Assert.Contains("data: 40 images 1x6x6", output.Text);
        var (t1, t2) = (Boundaries(output.Text)[0], Boundaries(output.Text)[1]);
        Assert.Equal($"model M {{\n  stages {{\n    a [0, {t1})   // kept\n    b [{t1}, {t2})\n    c [{t2}, 1]\n  }}\n}}\n", File.ReadAllText(msd));
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, File.ReadAllBytes(heatmap)[..4]);
    }

    [Fact]
    public void SigmaStagesAreRewrittenInSigma()
    {
        using var folder = new ScratchFolder();
        var data = WriteIdx(folder);
        var msd = folder.Write("model.msd", "stages in sigma {\n  low [0.002, 1.5)\n  high [1.5, 80]\n}\n");
        var output = new RecordingConsole();

        int exit = ClusterCommand.Run(new ClusterSettings { Data = data, Schedule = "edm", Stages = 2, Grid = 5, Samples = 2, Eta = 0.05, Msd = msd }, output.Console);

        Assert.True(exit == 0, output.Text);
        double t = double.Parse(Boundaries(output.Text)[0], CultureInfo.InvariantCulture);
        string sigma = new EdmSchedule().Sigma(t).ToString("0.0000", CultureInfo.InvariantCulture);
        Assert.Contains($"low [0.002, {sigma})\n  high [{sigma}, 80]", File.ReadAllText(msd));
        Assert.Contains("(in sigma)", output.Text);
    }

    [Fact]
    public void BaselineNeedsNoSimilarityAndSplitsUniformly()
    {
        using var folder = new ScratchFolder();
        var output = new RecordingConsole();
        int exit = ClusterCommand.Run(new ClusterSettings { Data = WriteIdx(folder), Stages = 4, Method = "uniform" }, output.Console);
        Assert.True(exit == 0, output.Text);
        Assert.Equal(new[] { "0.2500", "0.5000", "0.7500" }, Boundaries(output.Text));
    }

    [Fact]
    public void StageCountMismatchIsAnErrorAndLeavesTheMsdAlone()
    {
        using var folder = new ScratchFolder();
        var msd = folder.Write("model.msd", ThreeStages);
        var output = new RecordingConsole();

        int exit = ClusterCommand.Run(new ClusterSettings { Data = WriteIdx(folder), Stages = 2, Method = "uniform", Msd = msd }, output.Console);

        Assert.Equal(1, exit);
        Assert.Contains("error:", output.Text);
        Assert.Equal(ThreeStages, File.ReadAllText(msd));
    }

    [Fact]
    public void BadDataFileIsAnErrorNamingTheFile()
    {
        using var folder = new ScratchFolder();
        var data = folder.Write("train-images-idx3-ubyte", "not an idx file");
        var output = new RecordingConsole();
        Assert.Equal(1, ClusterCommand.Run(new ClusterSettings { Data = data }, output.Console));
        Assert.Contains(data, output.Text);
    }

    private const string VpModel = """
        model M {
          image 1x6x6
          diffusion vp(beta_min = 0.1, beta_max = 5) predicts eps
          stages {
            a [0, 0.5)
            b [0.5, 1]
          }
          encoder ddpmpp { width 8  mult [1]  blocks 1 }
          decoder a { width 8 }
          decoder b { width 8 }
        }
        """;

    /// <summary>A boundary is a time of the model's own schedule: its parameters come from the file, not --schedule's defaults.</summary>
    [Fact]
    public void TheFilesScheduleWithItsParametersIsTheOneClustered()
    {
        using var folder = new ScratchFolder();
        var data = WriteIdx(folder);
        var msd = folder.Write("model.msd", VpModel);
        var output = new RecordingConsole();

        int exit = ClusterCommand.Run(new ClusterSettings { Data = data, Stages = 2, Method = "logsnr", Msd = msd }, output.Console);

        Assert.True(exit == 0, output.Text);
        Assert.Contains("schedule: vp as " + msd + " sets it", output.Text);
        // logsnr's boundary depends on the schedule: beta_max 5 gives another one than the default 20.
        var ours = Boundaries(output.Text)[0];
        var defaults = new RecordingConsole();
        Assert.Equal(0, ClusterCommand.Run(new ClusterSettings { Data = data, Stages = 2, Method = "logsnr", Schedule = "vp" }, defaults.Console));
        Assert.NotEqual(Boundaries(defaults.Text)[0], ours);
        Assert.Contains($"a [0, {ours})", File.ReadAllText(msd));
    }

    [Fact]
    public void AScheduleThatContradictsTheFileIsAnErrorAndLeavesItAlone()
    {
        using var folder = new ScratchFolder();
        var msd = folder.Write("model.msd", VpModel);
        var output = new RecordingConsole();

        int exit = ClusterCommand.Run(new ClusterSettings { Data = WriteIdx(folder), Stages = 2, Method = "uniform", Schedule = "edm", Msd = msd }, output.Console);

        Assert.Equal(1, exit);
        Assert.Contains($"error: --schedule edm contradicts {msd}, whose model diffuses with vp", output.Text);
        Assert.Equal(VpModel, File.ReadAllText(msd));
    }

    /// <summary>
    /// A file with errors has no schedule to read: clustering for it without --schedule is refused and the file kept (a VP
    /// default would write VP times into, say, an EDM model's sigma stages); naming the schedule clusters with it.
    /// </summary>
    [Fact]
    public void AFileWithErrorsNeedsTheScheduleNamed()
    {
        using var folder = new ScratchFolder();
        var data = WriteIdx(folder);
        var msd = folder.Write("model.msd", ThreeStages);
        var output = new RecordingConsole();

        Assert.Equal(1, ClusterCommand.Run(new ClusterSettings { Data = data, Stages = 3, Method = "uniform", Msd = msd }, output.Console));
        Assert.Contains($"error: {msd} has errors (msd check {msd} lists them), so its schedule is unknown", output.Text);
        Assert.Equal(ThreeStages, File.ReadAllText(msd));

        Assert.Equal(0, ClusterCommand.Run(new ClusterSettings { Data = data, Stages = 3, Method = "uniform", Schedule = "vp", Msd = msd }, output.Console));
        Assert.NotEqual(ThreeStages, File.ReadAllText(msd));
    }

    /// <summary>A read-only .msd is refused before the clustering runs, and left as it was.</summary>
    [Fact]
    public void AReadOnlyMsdIsRefusedBeforeClustering()
    {
        using var folder = new ScratchFolder();
        var msd = folder.Write("model.msd", ThreeStages);
        File.SetAttributes(msd, FileAttributes.ReadOnly);
        try
        {
            var output = new RecordingConsole();
            int exit = CliApp.Run(new[] { "cluster", "--data", WriteIdx(folder), "--schedule", "vp", "--stages", "3", "--msd", msd }, output.Console);
            Assert.Equal(1, exit);
            Assert.Contains($"error: {msd} is read-only, and --msd rewrites its stages block", output.Text.Replace("\n", " "));
            Assert.DoesNotContain("boundaries (t):", output.Text);
            Assert.Equal(ThreeStages, File.ReadAllText(msd));
        }
        finally
        {
            File.SetAttributes(msd, FileAttributes.Normal);
        }
    }

    /// <summary>The rewrite goes through a temporary file renamed over the .msd: nothing is left beside it.</summary>
    [Fact]
    public void TheRewriteLeavesNoTemporaryFile()
    {
        using var folder = new ScratchFolder();
        var (exit, output, msd, text) = ClusterUniformly(folder, 3);
        Assert.True(exit == 0, output.Text);
        Assert.NotEqual(text, File.ReadAllText(msd));
        Assert.Equal(new[] { "model.msd", "train-images-idx3-ubyte" }, Directory.GetFiles(Path.GetDirectoryName(msd)!).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray());
    }

    /// <summary>Uniform VP boundaries for a stages block of <paramref name="count"/> stages, written to model.msd with --msd.</summary>
    private static (int Exit, RecordingConsole Output, string Msd, string Text) ClusterUniformly(ScratchFolder folder, int count)
    {
        var text = "stages {\n" + string.Concat(Enumerable.Range(0, count).Select(i => $"  s{i} [0, 1)\n")) + "}\n";
        var msd = folder.Write("model.msd", text);
        var output = new RecordingConsole();
        int exit = ClusterCommand.Run(new ClusterSettings { Data = WriteIdx(folder), Stages = count, Method = "uniform", Schedule = "vp", Msd = msd }, output.Console);
        return (exit, output, msd, text);
    }

    /// <summary>A first stage ending at or below VP's smallest training time (t = 0.001) would not compile: not written.</summary>
    [Fact]
    public void AFirstStageBelowTheSchedulesSmallestTimeIsNotWritten()
    {
        using var folder = new ScratchFolder();
        // 1,001 uniform stages: the first ends at 1/1001, 0.0010 as written.
        var (exit, output, msd, manyStages) = ClusterUniformly(folder, 1001);

        Assert.Equal(1, exit);
        Assert.Contains("not rewritten: the first stage would end at t = 0.0010, at or below t = 0.0010, where the schedule's sampling ends", output.Text.Replace("\n", " "));
        Assert.Equal(manyStages, File.ReadAllText(msd));
    }

    /// <summary>Boundaries that would leave a stage empty as written (4 decimals) are refused, and the file kept.</summary>
    [Fact]
    public void BoundariesThatLeaveAStageEmptyAreNotWritten()
    {
        using var folder = new ScratchFolder();
        // 12,000 uniform stages: boundaries 1/12000 apart, more than four decimals can tell apart.
        var (exit, output, msd, manyStages) = ClusterUniformly(folder, 12000);

        Assert.Equal(1, exit);
        var text = output.Text.Replace("\n", " ");
        Assert.Contains("error: ", text);
        Assert.Matches(@"not rewritten: a stage \[(0\.\d{4}), \1\) would be empty; cluster on a finer --grid, or with fewer --stages\.", text);
        Assert.Equal(manyStages, File.ReadAllText(msd));
    }

    [Theory]
    [InlineData("--samples", "0", "--samples must be at least 1, not 0.")]
    [InlineData("--samples", "-3", "--samples must be at least 1, not -3.")]
    [InlineData("--stages", "0", "--stages must be at least 1, not 0.")]
    [InlineData("--limit", "-5", "--limit must be at least 1, not -5.")]
    [InlineData("--grid", "1", "--grid must be at least 2, not 1.")]
    [InlineData("--grid", "3", "--grid 3 is too coarse for 3 stages")]
    [InlineData("--grid", "100000", "--grid must be at most 1000, not 100000")] // ran out of memory with a stack trace
    [InlineData("--alpha", "2", "--alpha must be in (0, 1], not 2.")]
    [InlineData("--eta", "0", "--eta must be positive, not 0.")]
    public void BadNumbersAreRefusedBeforeAnyWork(string option, string value, string message)
    {
        using var folder = new ScratchFolder();
        var output = new RecordingConsole();
        int exit = CliApp.Run(new[] { "cluster", "--data", WriteIdx(folder), option, value }, output.Console);
        Assert.Equal(1, exit);
        Assert.Contains("error: " + message, output.Text);
        Assert.DoesNotContain("data:", output.Text);
    }

    /// <summary>Boundaries from images of another shape than the model's are not the model's: refused, the file kept.</summary>
    [Fact]
    public void DataOfAnotherShapeThanTheModelsIsRefused()
    {
        using var folder = new ScratchFolder();
        var msd = folder.Write("model.msd", VpModel.Replace("image 1x6x6", "image 1x8x8").Replace("mult [1]", "mult [1]"));
        var output = new RecordingConsole();

        int exit = ClusterCommand.Run(new ClusterSettings { Data = WriteIdx(folder), Stages = 2, Method = "uniform", Msd = msd }, output.Console);

        Assert.Equal(1, exit);
        Assert.Contains("its model takes 1x8x8 images, but", output.Text.Replace("\n", " "));
        Assert.Contains("1x8x8", File.ReadAllText(msd));
        Assert.DoesNotContain("boundaries (t)", output.Text);
    }

    /// <summary>A folder of grey images is read in the grey model's one channel, as msd train reads it (not as RGB, then refused).</summary>
    [Fact]
    public void AGreyModelsImageFolderIsReadInGrey()
    {
        using var folder = new ScratchFolder();
        var msd = folder.Write("model.msd", VpModel);
        var images = Path.Combine(folder.Path, "images");
        Directory.CreateDirectory(images);
        for (int i = 0; i < 4; i++)
            DiffusionDsl.Runtime.Reporting.SampleGrid.SavePng(TorchSharp.torch.rand(1, 1, 6, 6, generator: new TorchSharp.torch.Generator((ulong)i)) * 2 - 1,
                                                              Path.Combine(images, $"{i}.png"), padding: 0);
        var output = new RecordingConsole();
        int exit = ClusterCommand.Run(new ClusterSettings { Data = images, Stages = 2, Method = "uniform", Msd = msd }, output.Console);
        Assert.True(exit == 0, output.Text);
        Assert.Contains($"data: 4 images 1x6x6 from {images}", output.Text);
    }

    [Fact]
    public void Algorithm1WithOtherThanThreeStagesIsRefusedBeforeTheData()
    {
        using var folder = new ScratchFolder();
        var output = new RecordingConsole();
        int exit = CliApp.Run(new[] { "cluster", "--data", WriteIdx(folder), "--method", "algorithm1", "--stages", "5" }, output.Console);
        Assert.Equal(1, exit);
        Assert.Contains("error: --method algorithm1 (the paper's Algorithm 1) finds exactly 2 boundaries: use --stages 3, or --method dp for 5 stages.",
                        output.Text.Replace("\n", " "));
        Assert.DoesNotContain("data:", output.Text);
    }

    /// <summary>Algorithm 1's boundaries that cross, or reach t = 1, are an error that says what to change, not a result.</summary>
    [Fact]
    public void Algorithm1BoundariesThatDoNotSplitTimeAreAnError()
    {
        using var folder = new ScratchFolder();
        var output = new RecordingConsole();
        // alpha 1: no mean similarity reaches it, so t1 stays at the first grid step and t2 at t = 1.
        int exit = CliApp.Run(new[] { "cluster", "--data", WriteIdx(folder), "--method", "algorithm1", "--alpha", "1", "--grid", "5", "--samples", "2" }, output.Console);
        Assert.Equal(1, exit);
        Assert.Contains("do not split (0, 1) into 3 stages (Algorithm 1 at alpha 1): try another --alpha, or --method dp.", output.Text.Replace("\n", " "));
    }

    [Fact]
    public void UnknownScheduleIsRejectedByTheParser()
    {
        var output = new RecordingConsole();
        Assert.NotEqual(0, CliApp.Run(new[] { "cluster", "--data", "x", "--schedule", "linear" }, output.Console));
    }
}
