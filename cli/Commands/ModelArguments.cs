using System;
using System.CommandLine;
using System.IO;
using DiffusionDsl.Cli.Hosting;
using DiffusionDsl.Runtime.Hosting;
using Spectre.Console;
using DiffusionDsl.Runtime;

namespace DiffusionDsl.Cli.Commands;

/// <summary>The arguments `msd train` and `msd sample` share: which built model, and where to run it.</summary>
internal static class ModelArguments
{
    public static Argument<string> Source() =>
        new("model") { Description = "The built model: its assembly (.dll), or a project (.csproj or folder) to build in Release" };

    public static Option<string?> ModelName() =>
        new("--model") { Description = "The model's name, when the assembly holds several" };

    public static Option<string?> Device() =>
        new("--device") { Description = "cpu, cuda or cuda:N (default: CUDA when available, else the CPU)" };

    /// <summary>Refuses a device this process cannot use, before any work starts (the runtime's own check, named as the option).
    /// Needs the native libraries: after <see cref="Prepare"/>.</summary>
    public static void CheckDevice(string? device)
    {
        if (device is not null) AsOption(() => TorchSetup.DefaultDevice(device));
    }

    private static void AsOption(Action check)
    {
        try { check(); }
        catch (ArgumentException e) { throw new ArgumentException($"--device {e.Message}", e); }
    }

    /// <summary>
    /// Builds the model when given a project, and makes TorchSharp's native libraries loadable (from the model's output
    /// folder when msd carries none); returns the assembly, for <see cref="Load"/>. Call it before any tensor. A misspelt
    /// <paramref name="device"/> is refused before the build, one this process cannot use right after it.
    /// </summary>
    public static string Prepare(string source, IAnsiConsole console, string? device = null)
    {
        if (device is not null) AsOption(() => TorchSetup.CheckDeviceName(device));
        var assembly = ModelSource.ResolveAssembly(source, console.Line);
        TorchNatives.Ensure(Path.GetDirectoryName(Path.GetFullPath(assembly)), console.Line);
        CheckDevice(device);
        return assembly;
    }

    /// <summary>The model <paramref name="name"/> (or the only one) of a built assembly, as <see cref="Prepare"/> returned it.</summary>
    public static MsdModelInfo Load(string assembly, string? name, IAnsiConsole console)
    {
        var info = ModelAssembly.Pick(ModelAssembly.Load(assembly), name, assembly);
        console.Line($"model: {info.Name} from {info.SourceFile}, {info.Table.Count} stages, {info.Cost.TotalParameters:N0} parameters");
        return info;
    }
}
