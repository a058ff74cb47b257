using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;

namespace DiffusionDsl.Package.Tests;

/// <summary>
/// `dotnet tool install DiffusionDsl.Cli` from the local feed into a temporary tool path, then every msd command from
/// there: check and info need no TorchSharp; train, sample and evaluate a model take libtorch from the model project's
/// output; cluster and evaluate --images restore a TorchSharp backend once into MSD_HOME.
/// </summary>
[Collection(DotnetBuilds.Name)]
public class ToolTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(8);
    private static string Repo => LocalFeed.RepoRoot!;
    private static string QuickStart => Path.Combine(Repo, "examples", "QuickStart");
    private static string Data => Path.Combine(QuickStart, "data");
    private static string Slice => Path.Combine(Data, "fashion-mnist-2000-images-idx3-ubyte.gz");

    /// <summary>initialize, shutdown and exit with `msd lsp`, each request waiting for its response as a client does;
    /// returns the exit code and the initialize response.</summary>
    private static (int ExitCode, string Initialize) LspHandshake(string msd, string folder)
    {
        var start = new ProcessStartInfo(msd, "lsp")
        {
            WorkingDirectory = folder, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var input = process.StandardInput.BaseStream;
        var output = process.StandardOutput.BaseStream;
        try
        {
            Send(input, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}""");
            var initialize = Receive(output);
            Send(input, """{"jsonrpc":"2.0","id":2,"method":"shutdown"}""");
            Assert.Contains("\"id\":2", Receive(output));
            Send(input, """{"jsonrpc":"2.0","method":"exit"}""");
            Assert.True(process.WaitForExit(30_000), "msd lsp did not exit after 'exit'");
            return (process.ExitCode, initialize);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    private static void Send(Stream input, string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        input.Write(Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n"));
        input.Write(body);
        input.Flush();
    }

    private static string Receive(Stream output)
    {
        var header = new StringBuilder();
        while (!header.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            int b = output.ReadByte();
            if (b < 0) throw new EndOfStreamException($"msd lsp closed its output after: {header}");
            header.Append((char)b);
        }
        var length = int.Parse(header.ToString().Split("\r\n").First(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))["Content-Length:".Length..].Trim());
        var body = new byte[length];
        output.ReadExactly(body);
        return Encoding.UTF8.GetString(body);
    }

    [FeedFact("DiffusionDsl.Cli")]
    public void ThePackageCarriesNoLibtorch()
    {
        var package = Path.Combine(LocalFeed.Folder!, $"DiffusionDsl.Cli.{LocalFeed.Version}.nupkg");
        using var zip = ZipFile.OpenRead(package);
        Assert.DoesNotContain(zip.Entries, e => e.Name.StartsWith("libtorch", StringComparison.Ordinal) || e.Name == "libLibTorchSharp.so");
        Assert.Contains(zip.Entries, e => e.FullName.EndsWith("/msd.dll", StringComparison.Ordinal));
    }

    [FeedFact("DiffusionDsl.Cli")]
    public void EveryCommandRunsFromTheInstalledTool()
    {
        var scratch = Directory.CreateTempSubdirectory("dd-tool-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(scratch, "nuget.config"), LocalFeed.NuGetConfig(LocalFeed.Folder!));
            var tools = Path.Combine(scratch, "tools");
            var install = DotnetProcess.Run($"tool install DiffusionDsl.Cli --version {LocalFeed.Version} --tool-path \"{tools}\"", scratch, Timeout);
            Assert.True(install.ExitCode == 0, install.Output);
            var environment = new Dictionary<string, string> { ["MSD_HOME"] = Path.Combine(scratch, "msd-home"), ["OMP_NUM_THREADS"] = "1" };
            (int ExitCode, string Output) Msd(string arguments) =>
                DotnetProcess.RunProgram(Path.Combine(tools, "msd"), arguments, scratch, Timeout, environment);

            var check = Msd($"check \"{Path.Combine(QuickStart, "FashionQuickStart.msd")}\"");
            Assert.True(check.ExitCode == 0, check.Output);
            var broken = Path.Combine(scratch, "Broken.msd");
            File.WriteAllText(broken, "model Broken {\n  image 1x28x28\n  diffusion vq\n}\n");
            var refused = Msd($"check \"{broken}\"");
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("error MSD0006", refused.Output);
            var info = Msd($"info \"{Path.Combine(QuickStart, "FashionQuickStart.msd")}\"");
            Assert.True(info.ExitCode == 0, info.Output);
            Assert.Contains("851,747", info.Output);

            // The model's own output folder has libtorch: no backend is restored for these.
            var run = Path.Combine(scratch, "run");
            var train = Msd($"train \"{QuickStart}\" --data \"{Slice}\" --steps 2 --output \"{run}\" --no-progress");
            Assert.True(train.ExitCode == 0, train.Output);
            Assert.DoesNotContain("restoring", train.Output);
            var checkpoint = Path.Combine(run, "checkpoints", "step-00000002.ckpt");
            var png = Path.Combine(scratch, "samples.png");
            var sample = Msd($"sample \"{QuickStart}\" --checkpoint \"{checkpoint}\" --count 8 --steps 4 --output \"{png}\"");
            Assert.True(sample.ExitCode == 0 && File.Exists(png), sample.Output);
            var evaluate = Msd($"evaluate \"{QuickStart}\" --checkpoint \"{checkpoint}\" --count 8 --steps 4 --data \"{Data}\"");
            Assert.True(evaluate.ExitCode == 0, evaluate.Output);
            Assert.Contains("precision", evaluate.Output);

            // export pytorch only compiles the .msd; export weights reads the checkpoint with the model's libtorch.
            var python = Path.Combine(scratch, "pytorch");
            var exported = Msd($"export pytorch \"{Path.Combine(QuickStart, "FashionQuickStart.msd")}\" -o \"{python}\"");
            Assert.True(exported.ExitCode == 0 && File.Exists(Path.Combine(python, "train.py")), exported.Output);
            var weights = Path.Combine(scratch, "weights.safetensors");
            var exportedWeights = Msd($"export weights \"{QuickStart}\" --checkpoint \"{checkpoint}\" -o \"{weights}\"");
            Assert.True(exportedWeights.ExitCode == 0 && File.Exists(weights), exportedWeights.Output);
            Assert.DoesNotContain("restoring", exportedWeights.Output);

            // No model: the first command restores the backend once, the next one finds it.
            var cluster = Msd($"cluster --data \"{Slice}\" --schedule vp --stages 2 --grid 5 --samples 2 --limit 200");
            Assert.True(cluster.ExitCode == 0, cluster.Output);
            Assert.Contains("restoring TorchSharp-cpu", cluster.Output);
            Assert.Contains("boundaries (t):", cluster.Output);
            var scored = Msd($"evaluate --images \"{png}\" --count 8 --data \"{Data}\"");
            Assert.True(scored.ExitCode == 0, scored.Output);
            Assert.DoesNotContain("restoring", scored.Output);
            Assert.Contains("precision", scored.Output);

            // The language server answers from the installed tool too (no libtorch involved).
            var (lspExit, capabilities) = LspHandshake(Path.Combine(tools, "msd"), scratch);
            Assert.Contains("\"documentFormattingProvider\":true", capabilities);
            Assert.Equal(0, lspExit);

            var missing = Msd($"train \"{Path.Combine(scratch, "nothing-here.dll")}\" --data \"{Slice}\"");
            Assert.Equal(1, missing.ExitCode);
            Assert.Contains("error: ", missing.Output);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}

/// <summary>msd as a local tool: a tool manifest in the project, `dotnet msd ...` from there.</summary>
[Collection(DotnetBuilds.Name)]
public class LocalToolTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    [FeedFact("DiffusionDsl.Cli")]
    public void TheManifestInstallsMsdAsDotnetMsd()
    {
        var scratch = Directory.CreateTempSubdirectory("dd-local-tool-").FullName;
        // A home of its own: dotnet keeps a machine-wide cache of where each local tool version lives
        // (~/.dotnet/toolResolverCache), and an entry left by another package folder would otherwise win over this install.
        var environment = new Dictionary<string, string> { ["DOTNET_CLI_HOME"] = Path.Combine(scratch, "home") };
        (int ExitCode, string Output) Dotnet(string arguments) => DotnetProcess.RunProgram("dotnet", arguments, scratch, Timeout, environment);
        try
        {
            File.WriteAllText(Path.Combine(scratch, "nuget.config"), LocalFeed.NuGetConfig(LocalFeed.Folder!));
            var manifest = Dotnet("new tool-manifest");
            Assert.True(manifest.ExitCode == 0, manifest.Output);
            var install = Dotnet($"tool install DiffusionDsl.Cli --version {LocalFeed.Version}");
            Assert.True(install.ExitCode == 0, install.Output);
            // .NET 10's `dotnet new tool-manifest` writes dotnet-tools.json at the top; earlier SDKs under .config/.
            var manifestFile = new[] { "dotnet-tools.json", Path.Combine(".config", "dotnet-tools.json") }
                .Select(f => Path.Combine(scratch, f)).First(File.Exists);
            Assert.Contains("diffusiondsl.cli", File.ReadAllText(manifestFile));

            var model = Path.Combine(LocalFeed.RepoRoot!, "examples", "QuickStart", "FashionQuickStart.msd");
            var info = Dotnet($"msd info \"{model}\"");
            Assert.True(info.ExitCode == 0, info.Output);
            Assert.Contains("851,747", info.Output);
            var restore = Dotnet("tool restore");
            Assert.True(restore.ExitCode == 0, restore.Output);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}

/// <summary>msd as a global tool, with README's command run in the repository (DOTNET_CLI_HOME moves ~/.dotnet/tools aside).</summary>
[Collection(DotnetBuilds.Name)]
public class GlobalToolTests
{
    [FeedFact("DiffusionDsl.Cli")]
    public void ReadmesGlobalInstallPutsMsdInDotnetTools()
    {
        var home = Directory.CreateTempSubdirectory("dd-global-tool-").FullName;
        try
        {
            var environment = new Dictionary<string, string> { ["DOTNET_CLI_HOME"] = home };
            var install = DotnetProcess.RunProgram("dotnet", "tool install --global DiffusionDsl.Cli --prerelease --add-source artifacts/feed",
                LocalFeed.RepoRoot!, TimeSpan.FromMinutes(4), environment);
            Assert.True(install.ExitCode == 0, install.Output);
            var msd = Path.Combine(home, ".dotnet", "tools", "msd");
            var broken = Path.Combine(home, "Broken.msd");
            File.WriteAllText(broken, "model Broken {\n  image 1x28x28\n  diffusion vq\n}\n");
            var check = DotnetProcess.RunProgram(msd, $"check \"{broken}\"", home, TimeSpan.FromMinutes(1));
            Assert.Equal(1, check.ExitCode);
            Assert.Contains("Broken.msd(3,13): error MSD0006", check.Output);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
