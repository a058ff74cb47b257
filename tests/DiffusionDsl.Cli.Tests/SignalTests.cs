using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using DiffusionDsl.Tests.Shared;

namespace DiffusionDsl.Cli.Tests;

/// <summary>
/// `msd train` run as a process and stopped as a scheduler or a dropped terminal stops it: SIGTERM (and SIGHUP) stop the
/// run after its step and save a checkpoint, as the first Ctrl+C does, instead of ending it with the work since the last one.
/// </summary>
public class SignalTests : IClassFixture<TrainedTinyGray>
{
    private readonly TrainedTinyGray _run;

    public SignalTests(TrainedTinyGray run) => _run = run;

    [Fact]
    public void SigtermStopsTrainingAfterItsStepAndSavesACheckpoint()
    {
        if (OperatingSystem.IsWindows()) return; // no SIGTERM to send there
        using var folder = new ScratchFolder();
        var output = folder.File("run");
        var start = new ProcessStartInfo("dotnet", new[]
        {
            Path.Combine(AppContext.BaseDirectory, "msd.dll"), "train", TinyModelsAssembly.Path, "--model", "TinyGray", "--data", _run.Data,
            "--steps", "1000000", "--output", output, "--no-progress",
        })
        { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["OMP_NUM_THREADS"] = "1";
        var text = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { lock (text) text.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (text) text.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // Training has begun once a metrics row is there (TinyGray logs every step).
            var metrics = Path.Combine(output, "metrics.csv");
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            while (!process.HasExited && DateTime.UtcNow < deadline && !(File.Exists(metrics) && File.ReadLines(metrics).Skip(1).Any())) Thread.Sleep(100);
            Assert.False(process.HasExited, Text(text));
            using (var kill = Process.Start("kill", new[] { "-TERM", process.Id.ToString() })!) kill.WaitForExit();
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), Text(text));
            process.WaitForExit(); // the output's last lines
            Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}: {Text(text)}");
            Assert.Contains("SIGTERM: stopping after this step and saving a checkpoint", Text(text));
            // The hint names what continuing the run needs: its folder and the options it was given (without --steps it would
            // stop at the .msd's 6).
            Assert.Contains($"(continue with --resume latest --output {output} --steps 1000000)", Text(text));
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(output, "checkpoints"), "step-*.ckpt"));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    private static string Text(StringBuilder text) { lock (text) return text.ToString(); }
}
