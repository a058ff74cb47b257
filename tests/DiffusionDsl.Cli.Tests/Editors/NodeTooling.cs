using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;

namespace DiffusionDsl.Cli.Tests.Editors;

/// <summary>
/// Node.js for the editor tests: `node` from the PATH (scripts/test.sh installs nodejs and npm with apt where they are
/// missing, as on a fresh CI machine); the npm packages of a folder installed once with `npm ci` from its committed
/// package-lock.json into its own node_modules (git-ignored).
/// </summary>
internal static class NodeTooling
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);
    private static readonly object Gate = new();
    private static bool _nodeReady;

    public static void EnsureNode()
    {
        lock (Gate)
        {
            if (_nodeReady) return;
            // scripts/test.sh installs Node.js with apt when it is missing.
            Assert.True(Run("node", "--version", RepositoryRoot.Path, TimeSpan.FromSeconds(30)).ExitCode == 0,
                "node is not on the PATH: install Node.js 18 or later (apt-get install nodejs npm; scripts/test.sh does as root) to run the editor tests.");
            _nodeReady = true;
        }
    }

    /// <summary>Installs <paramref name="folder"/>'s locked npm packages unless its node_modules has them already.</summary>
    public static void EnsurePackages(string folder, params string[] packages)
    {
        EnsureNode();
        lock (Gate)
        {
            bool installed = Array.TrueForAll(packages, p => File.Exists(Path.Combine(folder, "node_modules", p, "package.json")));
            if (installed) return;
            var ci = Run("npm", "ci --no-audit --no-fund", folder, InstallTimeout);
            Assert.True(ci.ExitCode == 0, ci.Output);
        }
    }

    public static (int ExitCode, string Output) Run(string program, string arguments, string folder, TimeSpan timeout,
                                                    IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception e) { return (-1, $"{program}: {e.Message}"); }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return (-1, $"{program} {arguments}: timed out after {timeout}\n{stdout.Result}{stderr.Result}");
            }
            return (process.ExitCode, $"{program} {arguments} (in {folder})\n{stdout.Result}{stderr.Result}");
        }
    }
}
