using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace DiffusionDsl.Language.Tests;

/// <summary>
/// Every <see cref="HostileInputs"/> input compiles on a 256 KB stack, in well under a second, with sane diagnostics.
/// The inputs run in a child process (<see cref="HostileInputRunner"/>): a stack overflow ends a .NET process whatever
/// thread it happens on, so only a child can turn one into a failed test that names the input.
/// </summary>
[Collection(TimingCollection.Name)]
public class HostileInputTests
{
    /// <summary>Each input's budget. Measured here: the largest (1 MiB) inputs take 0.1-0.4 s on a loaded 2-core machine, most under 1 ms.</summary>
    private const double BudgetMilliseconds = 1000;

    [Fact]
    public async Task NoInputCrashesHangsOrTakesASecond()
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(HostileInputTests).Assembly.Location);
        start.ArgumentList.Add(HostileInputRunner.Argument);
        using var child = Process.Start(start)!;
        var output = child.StandardOutput.ReadToEndAsync();
        var errors = child.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4)))
        {
            try { await child.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException)
            {
                child.Kill(entireProcessTree: true);
                Assert.Fail("the hostile inputs took more than 4 minutes in all");
            }
        }
        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        var last = lines.LastOrDefault(l => l.StartsWith("start ", StringComparison.Ordinal)) ?? "(none)";
        Assert.True(child.ExitCode == 0 && lines.LastOrDefault()?.StartsWith("done ", StringComparison.Ordinal) == true,
            $"the child process ended with {child.ExitCode} after '{last}' ({lines.LastOrDefault()}):\n{Tail(await errors)}");

        var results = lines.Where(l => l.StartsWith("ok ", StringComparison.Ordinal) || l.StartsWith("fail ", StringComparison.Ordinal))
            .Select(l => l.Split(' ', 3)).Select(p => (Ok: p[0] == "ok", Milliseconds: double.Parse(p[1], CultureInfo.InvariantCulture), Name: p[2])).ToList();
        Assert.Equal(int.Parse(lines.Last().Substring("done ".Length), CultureInfo.InvariantCulture), results.Count);
        Assert.True(results.Count > 400, $"only {results.Count} inputs ran");
        var failed = results.Where(r => !r.Ok).Select(r => r.Name).ToList();
        Assert.True(failed.Count == 0, "failed:\n" + string.Join("\n", failed));
        var slow = results.Where(r => r.Milliseconds > BudgetMilliseconds).Select(r => $"{r.Milliseconds:F0} ms  {r.Name}").ToList();
        Assert.True(slow.Count == 0, "over the budget:\n" + string.Join("\n", slow));
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : text.Substring(text.Length - 2000);

    /// <summary>The dotnet host running the tests (the CLI passes its path down), to run the test assembly as a program.</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        if (Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet") return path;
        return "dotnet";
    }
}
