using System;
using System.IO;

namespace DiffusionDsl.Cli.Hosting;

/// <summary>
/// A TorchSharp backend restored once per user, for an msd without native libraries of its own (the dotnet tool): a tiny
/// project referencing TorchSharp-cpu (MSD_TORCH_BACKEND=cuda: TorchSharp-cuda-linux) at msd's TorchSharp version, built
/// under ~/.msd (or MSD_HOME) with the GLIBCXX patch msd ships. Restoring goes through the user's NuGet configuration and
/// package cache, so a machine that built a DiffusionDsl project already has the package.
/// </summary>
internal static class TorchBackendCache
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(30);

    public static string Ensure(Action<string> log)
    {
        var backend = Environment.GetEnvironmentVariable("MSD_TORCH_BACKEND") is { Length: > 0 } b ? b : "cpu";
        var package = backend switch
        {
            "cpu" => "TorchSharp-cpu",
            "cuda" => "TorchSharp-cuda-linux",
            _ => throw new TorchNativesException($"MSD_TORCH_BACKEND is '{backend}'; expected cpu or cuda."),
        };
        var version = TorchNatives.TorchSharpVersion;
        var folder = Path.Combine(Home(), "torch", $"{backend}-{version}");
        var output = Path.Combine(folder, "bin");
        if (File.Exists(Path.Combine(output, "libLibTorchSharp.so"))) return output;

        log($"msd: this msd carries no libtorch; restoring {package} {version} once into {folder} (libtorch: about 500 MB to download unless NuGet has it cached)...");
        // Built in a scratch folder and moved into place, so two msd processes never see half a backend.
        var scratch = folder + ".tmp-" + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(scratch);
        try
        {
            WriteProject(scratch, package, version);
            var (exitCode, text) = DotnetProcess.Run("build -c Release -nologo -v:q", scratch, BuildTimeout,
                                                    reason => new TorchNativesException($"{reason} (restoring TorchSharp)."));
            if (exitCode != 0 || !File.Exists(Path.Combine(scratch, "bin", "libLibTorchSharp.so")))
                throw new TorchNativesException($"restoring {package} {version} failed (dotnet build exited with {exitCode}); " +
                                                $"or set MSD_LIBTORCH to a folder holding libLibTorchSharp.so and libtorch:\n{text.Trim()}");
            Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
            try { Directory.Move(scratch, folder); }
            catch (IOException) when (File.Exists(Path.Combine(output, "libLibTorchSharp.so"))) { }
        }
        finally
        {
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
        log($"msd: {package} {version} ready in {output}");
        return output;
    }

    private static string Home() =>
        Environment.GetEnvironmentVariable("MSD_HOME") is { Length: > 0 } home ? home
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".msd");

    private static void WriteProject(string folder, string package, string version)
    {
        foreach (var file in new[] { "GlibcxxWeakVersion.targets", "MarkElfVersionWeak.cs" })
            File.Copy(Path.Combine(AppContext.BaseDirectory, "torch-backend", file), Path.Combine(folder, file));
        File.WriteAllText(Path.Combine(folder, "Program.cs"), "return 0;\n");
        File.WriteAllText(Path.Combine(folder, "TorchBackend.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <RuntimeIdentifier>linux-x64</RuntimeIdentifier>
                <SelfContained>false</SelfContained>
                <OutDir>$(MSBuildThisFileDirectory)bin/</OutDir>
                <!-- MarkElfVersionWeak.cs is the GLIBCXX patch's inline task, not part of the program. -->
                <EnableDefaultCompileItems>false</EnableDefaultCompileItems>
              </PropertyGroup>
              <ItemGroup>
                <Compile Include="Program.cs" />
                <PackageReference Include="{package}" Version="{version}" />
              </ItemGroup>
              <Import Project="GlibcxxWeakVersion.targets" />
            </Project>
            """);
    }
}
