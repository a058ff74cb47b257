using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace DiffusionDsl.Package.Tests;

/// <summary>Runs the dotnet CLI, or a program it installed, the way a user would, in a given folder.</summary>
internal static class DotnetProcess
{
    /// <summary>Runs <c>dotnet arguments</c> in <paramref name="folder"/>; returns its exit code and all its output
    /// (headed by the command, so a failed assertion shows what ran), or -1 when it outlived <paramref name="timeout"/>.</summary>
    public static (int ExitCode, string Output) Run(string arguments, string folder, TimeSpan timeout) =>
        RunProgram("dotnet", arguments, folder, timeout);

    /// <summary>Runs <paramref name="program"/> as <see cref="Run"/> runs dotnet, with <paramref name="environment"/> added.</summary>
    public static (int ExitCode, string Output) RunProgram(string program, string arguments, string folder, TimeSpan timeout,
                                                          IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        var header = $"{program} {arguments} (in {folder})\n";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"{header}timed out after {timeout}\n{stdout.Result}{stderr.Result}");
        }
        return (process.ExitCode, header + stdout.Result + stderr.Result);
    }
}
