namespace DiffusionDsl.Cli.Tests;

/// <summary>A value an option cannot take is said in the user's words, not System.CommandLine's type names.</summary>
public class ParseErrorTests
{
    [Theory]
    [InlineData(new[] { "train", "m.dll", "--data", "d", "--steps", "abc" }, "error: --steps takes a whole number from -2147483648 to 2147483647, not 'abc'.", "'msd train --help'")]
    [InlineData(new[] { "train", "m.dll", "--data", "d", "--steps", "99999999999" }, "error: --steps takes a whole number from", "'msd train --help'")]
    [InlineData(new[] { "train", "m.dll", "--data", "d", "--lr", "1e-3x" }, "error: --lr takes a number, written with a '.' (0.001, 2e-4), not '1e-3x'.", "'msd train --help'")]
    [InlineData(new[] { "cluster", "--data", "d", "--grid", "1e3" }, "error: --grid takes a whole number from", "'msd cluster --help'")]
    // ',' is a thousands separator to the parser: "0,001" was read as 1, and trained.
    [InlineData(new[] { "train", "m.dll", "--data", "d", "--lr", "0,001" }, "error: --lr takes a number, written with a '.' (0.001, 2e-4), not '0,001'.", "'msd train --help'")]
    public void AnUnreadableValueNamesTheOptionAndWhatItTakes(string[] args, string message, string help)
    {
        var console = new RecordingConsole();
        Assert.Equal(1, CliApp.Run(args, console.Console, console.Writer));
        Assert.Contains(message, console.Text);
        Assert.Contains(help, console.Text);
        Assert.DoesNotContain("System.", console.Text);
    }
}
