using System;
using System.Diagnostics;
using System.IO;

namespace DiffusionDsl.Cli.Tests;

/// <summary>`msd` run as a process whose standard output cannot be written: one line on standard error, no stack trace.</summary>
public class StandardOutputTests
{
    [Theory]
    [InlineData("> /dev/full", "No space left on device")]
    [InlineData(">&-", "Bad file descriptor")]
    public void AnOutputThatCannotBeWrittenIsReportedInOneLine(string redirect, string reason)
    {
        var model = Models.Tiny;
        var msd = Path.Combine(AppContext.BaseDirectory, "msd.dll");
        var start = new ProcessStartInfo("bash", new[] { "-c", $"exec dotnet \"$0\" info \"$1\" {redirect}", msd, model })
        {
            RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)));

        Assert.Equal(1, process.ExitCode);
        Assert.Equal($"msd: error: standard output cannot be written: {reason}\n", errors);
    }
}
