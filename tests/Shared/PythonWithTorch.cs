using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace DiffusionDsl.Tests.Shared;

/// <summary>
/// A Python interpreter that imports torch: $MSD_PYTHON, else Debian's /usr/bin/python3 (python3-torch), else python3 on
/// the PATH. scripts/test.sh installs python3-torch when none has it; a missing torch fails the test that needs it.
/// </summary>
internal static class PythonWithTorch
{
    private static readonly Lazy<string> Interpreter = new(Find);

    public static string Path => Interpreter.Value;

    private static string Find()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("MSD_PYTHON"), "/usr/bin/python3", "python3" }.Where(c => !string.IsNullOrEmpty(c));
        foreach (var candidate in candidates)
        {
            try
            {
                var (code, _) = Run(candidate!, new[] { "-c", "import torch" }, TimeSpan.FromSeconds(60));
                if (code == 0) return candidate!;
            }
            catch (System.ComponentModel.Win32Exception) { }
        }
        throw new InvalidOperationException("No Python with torch: install Debian's python3-torch (scripts/test.sh does as root) or set MSD_PYTHON.");
    }

    /// <summary>Runs the interpreter; throws with its output when it fails.</summary>
    public static string Run(string[] arguments, TimeSpan timeout, string? workingDirectory = null, params (string Name, string Value)[] environment)
    {
        var (code, output) = Run(Path, arguments, timeout, workingDirectory, environment);
        if (code != 0) throw new InvalidOperationException($"{Path} {string.Join(" ", arguments)} exited with {code}:\n{output}");
        return output;
    }

    /// <summary>torchrun with N processes on this machine, on a free rendezvous port (its --standalone port is fixed, so parallel runs would clash).</summary>
    public static string Torchrun(int processes, string script, string[] arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }
        // --redirects 1 --tee 1: PyTorch 1.13's torchrun cannot parse its own default "0" under Python 3.11 (IntFlag iteration
        // skips the zero member); 1 (stdout to a log, teed to the console) parses on every version.
        var launcher = new[] { "-m", "torch.distributed.run", "--nnodes", "1", "--nproc_per_node", processes.ToString(),
                               "--rdzv_backend", "c10d", "--rdzv_endpoint", $"localhost:{port}", "--rdzv_id", Guid.NewGuid().ToString("N"),
                               "--redirects", "1", "--tee", "1", script };
        return Run(launcher.Concat(arguments).ToArray(), timeout, workingDirectory);
    }

    public static (int Code, string Output) Run(string file, string[] arguments, TimeSpan timeout, string? workingDirectory = null,
                                                 params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        start.Environment["OMP_NUM_THREADS"] = "1";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // Only by a script path (a unique temporary folder): pkill -f with an empty pattern would signal everything.
        var script = arguments.FirstOrDefault(a => a.EndsWith(".py") && System.IO.Path.IsPathRooted(a));
        if (!process.WaitForExit(timeout))
        {
            if (script is not null) Dump(script);
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            // A torchrun worker whose launcher died first belongs to init, outside the tree, and keeps the pipes open.
            if (script is not null) Signal("-KILL", script);
            throw new TimeoutException($"{file} {string.Join(" ", arguments)} ran longer than {timeout}; its output:\n{Output(stdout, stderr)}");
        }
        process.WaitForExit();
        // The launcher is gone, but a worker that outlived it would hold the pipes open for good: one that has not let go
        // within a minute is dumped, killed and reported.
        if (!Task.WaitAll(new Task[] { stdout, stderr }, TimeSpan.FromMinutes(1)))
        {
            if (script is not null)
            {
                Dump(script);
                Signal("-KILL", script);
            }
            throw new TimeoutException($"{file} {string.Join(" ", arguments)} exited with {process.ExitCode}, but a process it started " +
                                       $"did not; killed. The output:\n{Output(stdout, stderr)}");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>train.py prints every thread's stack on SIGUSR1: the output then says where a stuck process waits.</summary>
    private static void Dump(string script)
    {
        Signal("-USR1", script);
        System.Threading.Thread.Sleep(2000);
    }

    private static void Signal(string signal, string script)
    {
        using var pkill = Process.Start(new ProcessStartInfo("pkill", new[] { signal, "-f", script }));
        pkill?.WaitForExit(5000);
    }

    /// <summary>What the process wrote, once its pipes close (at most 30 s after every writer has been killed).</summary>
    private static string Output(Task<string> stdout, Task<string> stderr) =>
        Task.WaitAll(new Task[] { stdout, stderr }, TimeSpan.FromSeconds(30)) ? stdout.Result + stderr.Result : "(its pipes never closed)";
}
