using DiffusionDsl.Cli.Commands;
using DiffusionDsl.Tests.Shared;

namespace DiffusionDsl.Cli.Tests;

public class CheckCommandTests
{
    [Fact]
    public void ValidModelHasNoErrorsAndExitsZero()
    {
        var output = new RecordingConsole();
        Assert.Equal(0, CheckCommand.Run(Models.Tiny, output.Console));
        Assert.Contains("0 error(s)", output.Text);
    }

    [Fact]
    public void ErrorsArePrintedWithFileLineAndColumnAndExitOne()
    {
        using var folder = new ScratchFolder();
        var path = folder.Write("broken.msd", Models.Broken);
        var output = new RecordingConsole();

        Assert.Equal(1, CheckCommand.Run(path, output.Console));
        Assert.Contains($"{path}(3,25): error MSD0006: Unknown prediction target 'epz'; did you mean 'eps'?", output.Text);
    }

    /// <summary>
    /// A file that exists but cannot be read is said to be so, in each command that reads an .msd, not a stack trace.
    /// CI runs as root, which reads any file whatever its mode; /proc/self/mem fails to read at offset 0 even for root.
    /// </summary>
    [Theory]
    [InlineData("check")]
    [InlineData("info")]
    [InlineData("export")]
    public void AFileThatCannotBeReadIsSaidToBe(string command)
    {
        using var folder = new ScratchFolder();
        var output = new RecordingConsole();
        string[] args = command == "export" ? new[] { "export", "pytorch", "/proc/self/mem", "-o", folder.File("py") } : new[] { command, "/proc/self/mem" };
        Assert.Equal(1, CliApp.Run(args, output.Console));
        Assert.Contains("/proc/self/mem: error: it cannot be read (", output.Text);
        Assert.DoesNotContain("   at ", output.Text);
    }

    [Fact]
    public void MissingFileIsAnError()
    {
        var output = new RecordingConsole();
        Assert.Equal(1, CheckCommand.Run("/no/such/model.msd", output.Console));
        Assert.Contains("no such file", output.Text);
    }

    [Fact]
    public void AFolderIsNamedAsOne()
    {
        using var folder = new ScratchFolder();
        var output = new RecordingConsole();
        Assert.Equal(1, CheckCommand.Run(folder.Path, output.Console));
        Assert.Contains($"{folder.Path}: error: a folder, not an .msd file.", output.Text);
    }

    [Fact]
    public void CommandLineRoutesToCheck()
    {
        var output = new RecordingConsole();
        Assert.Equal(0, CliApp.Run(new[] { "check", Models.Tiny }, output.Console));
        Assert.Contains("0 error(s)", output.Text);
    }
}
