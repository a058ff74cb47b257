using System;
using System.CommandLine;
using DiffusionDsl.Cli.Hosting;
using DiffusionDsl.Runtime.Hosting;
using Spectre.Console;
using TorchSharp;

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

    /// <summary>Refuses a device this process cannot use, before any work starts.</summary>
    public static void CheckDevice(string? device)
    {
        if (device is null || device == "cpu") return;
        if (!device.StartsWith("cuda", StringComparison.Ordinal))
            throw new ArgumentException($"--device {device}: expected cpu, cuda or cuda:N.");
        if (!torch.cuda.is_available())
            throw new ArgumentException($"--device {device}: CUDA is not available to msd (no GPU, or msd was built with the CPU backend; build it with -p:TorchBackend=cuda).");
        if (device.Length > 4 && (device[4] != ':' || !int.TryParse(device[5..], out int index) || index < 0 || index >= torch.cuda.device_count()))
            throw new ArgumentException($"--device {device}: expected cuda or cuda:N with N below {torch.cuda.device_count()}.");
    }

    public static MsdModelInfo Load(string source, string? name, IAnsiConsole console)
    {
        var assembly = ModelSource.ResolveAssembly(source, console.Line);
        var info = ModelAssembly.Pick(ModelAssembly.Load(assembly), name, assembly);
        console.Line($"model: {info.Name} from {info.SourceFile}, {info.Table.Count} stages, {info.Cost.TotalParameters:N0} parameters");
        return info;
    }
}
