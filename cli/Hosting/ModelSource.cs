using System;
using System.IO;
using System.Linq;
using System.Threading;

namespace DiffusionDsl.Cli.Hosting;

/// <summary>
/// Turns what the user points at into a built assembly: a .dll as is, or a project (.csproj, or a
/// folder holding exactly one) built in Release first, so `msd train examples/QuickStart` just works.
/// </summary>
internal static class ModelSource
{
    public static string ResolveAssembly(string source, Action<string> log)
    {
        if (source.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)) return source;
        var project = FindProject(source);
        log($"building {project} (Release)...");
        // -getProperty alone only evaluates the project; with -t:Build MSBuild builds it and then prints the property.
        var (exitCode, output) = DotnetProcess.Run($"build \"{project}\" -c Release -nologo -v:q -t:Build -getProperty:TargetPath", null,
                                                   Timeout.InfiniteTimeSpan, reason => new ModelAssemblyException($"{reason} to build the project."));
        var targetPath = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.EndsWith(".dll", StringComparison.OrdinalIgnoreCase));
        if (exitCode != 0)
            throw new ModelAssemblyException($"{project}: the build failed (dotnet build exited with {exitCode}):\n{output.Trim()}");
        if (targetPath is null || !File.Exists(targetPath))
            throw new ModelAssemblyException($"{project}: built, but it names no single output assembly (several target frameworks?); point at the built .dll instead. dotnet build said:\n{output.Trim()}");
        return targetPath;
    }

    private static string FindProject(string source)
    {
        if (File.Exists(source) && source.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase)) return source;
        if (Directory.Exists(source))
        {
            var projects = Directory.GetFiles(source, "*.csproj");
            if (projects.Length == 1) return projects[0];
            throw new ModelAssemblyException(projects.Length == 0
                ? $"{source}: no .csproj in this folder; point at a project or a built .dll."
                : $"{source}: {projects.Length} projects in this folder; name one.");
        }
        throw new FileNotFoundException(File.Exists(source)
            ? $"{source}: not a model to run; expected a built .dll, a .csproj or a project folder" +
              (source.EndsWith(".msd", StringComparison.OrdinalIgnoreCase) ? " (the project that builds this .msd, or its .dll)." : ".")
            : $"{source}: no such file or folder; expected a built .dll, a .csproj or a project folder.");
    }
}
