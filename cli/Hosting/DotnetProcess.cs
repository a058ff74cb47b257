using System;
using System.ComponentModel;
using System.Diagnostics;

namespace DiffusionDsl.Cli.Hosting;

/// <summary>Runs the `dotnet` CLI (to build a model project, or to restore a TorchSharp backend) and collects what it printed.</summary>
internal static class DotnetProcess
{
    /// <summary>
    /// Runs `dotnet <paramref name="arguments"/>` in <paramref name="folder"/> (null: the current folder) and returns its exit
    /// code with stdout and stderr. Past <paramref name="timeout"/> (or never, with Timeout.InfiniteTimeSpan) the process tree
    /// is killed and <paramref name="failure"/>'s exception thrown; so is one when dotnet cannot start.
    /// </summary>
    public static (int ExitCode, string Output) Run(string arguments, string? folder, TimeSpan timeout, Func<string, Exception> failure)
    {
        var start = new ProcessStartInfo("dotnet", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (folder is not null) start.WorkingDirectory = folder;
        using var process = Start(start, failure);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw failure($"dotnet {arguments} took longer than {timeout.TotalMinutes} minutes; stopped");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static Process Start(ProcessStartInfo start, Func<string, Exception> failure)
    {
        // With UseShellExecute off, a dotnet that cannot be found or run throws rather than returning null.
        try { return Process.Start(start)!; }
        catch (Win32Exception e) { throw failure($"could not start dotnet ({e.Message})"); }
    }
}
