using DiffusionDsl.Cli.Commands;
using DiffusionDsl.Tests.Shared;

namespace DiffusionDsl.Cli.Tests;

public class InfoCommandTests
{
    [Fact]
    public void PrintsTheStageTableWithTheCompilersCosts()
    {
        // The figures are those of the generated TinyMultistage.Cost (Generator.Tests snapshot).
        var output = new RecordingConsole();
        Assert.Equal(0, InfoCommand.Run(Models.Tiny, output.Console));
        var lines = output.Text.Split('\n');

        Assert.Contains(lines, l => l.Contains("near_data") && l.Contains("0.0000") && l.Contains("0.4420") && l.Contains("95,969") && l.Contains("105,721") && l.Contains("0.0066"));
        Assert.Contains(lines, l => l.Contains("middle") && l.Contains("0.4420") && l.Contains("0.6310") && l.Contains("38,233") && l.Contains("47,985") && l.Contains("0.0024"));
        Assert.Contains(lines, l => l.Contains("near_noise") && l.Contains("0.6310") && l.Contains("1.0000") && l.Contains("20,933") && l.Contains("30,685") && l.Contains("0.0012"));
        Assert.Contains("shared encoder 9,752 parameters; total 164,887 parameters", output.Text);
        Assert.Contains("schedule vp, predicts eps, encoder ddpmpp", lines[0]);
    }

    [Fact]
    public void NamesTheEncodersFamily()
    {
        using var folder = new ScratchFolder();
        var path = folder.Write("ncsnpp.msd", System.IO.File.ReadAllText(Models.Tiny).Replace("encoder ddpmpp", "encoder ncsnpp"));
        var output = new RecordingConsole();
        Assert.Equal(0, InfoCommand.Run(path, output.Console));
        Assert.Contains("encoder ncsnpp", output.Text.Split('\n')[0]);
    }

    [Fact]
    public void BrokenModelPrintsDiagnosticsAndExitsOne()
    {
        using var folder = new ScratchFolder();
        var path = folder.Write("broken.msd", Models.Broken);
        var output = new RecordingConsole();
        Assert.Equal(1, CliApp.Run(new[] { "info", path }, output.Console));
        Assert.Contains("error MSD0006", output.Text);
    }
}
