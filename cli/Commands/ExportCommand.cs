using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using DiffusionDsl.Language;
using DiffusionDsl.Language.Backends.PyTorch;
using DiffusionDsl.Runtime.Checkpoints;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;
using Spectre.Console;

namespace DiffusionDsl.Cli.Commands;

/// <summary>
/// `msd export pytorch FILE.msd -o DIR`: the model as PyTorch code (the compiler's second backend) with a DDP trainer for
/// torchrun. `msd export weights MODEL --checkpoint C -o W.safetensors`: a checkpoint's weights as safetensors with the
/// model's own names, which the exported module loads (train.py --init, sample.py).
/// </summary>
public static class ExportCommand
{
    public static Command Create(IAnsiConsole console) =>
        new("export", "Export a model as PyTorch code, or a checkpoint's weights as safetensors") { PyTorch(console), Weights(console) };

    private static Command PyTorch(IAnsiConsole console)
    {
        var file = new Argument<string>("file") { Description = "The .msd file" };
        var output = new Option<string>("--output", "-o") { Description = "The folder to write <model>.py, train.py, sample.py and README.md into", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace files of those names in the folder that no export wrote, or that were edited since" };
        var command = new Command("pytorch", "Write the model as a PyTorch module, a torchrun (DDP) trainer and a sampler") { file, output, force };
        command.SetAction(parsed => RunPyTorch(parsed.GetValue(file)!, parsed.GetValue(output)!, console, parsed.GetValue(force)));
        return command;
    }

    private static Command Weights(IAnsiConsole console)
    {
        var source = ModelArguments.Source();
        var model = ModelArguments.ModelName();
        var checkpoint = new Option<string>("--checkpoint") { Description = "A checkpoint written by training (or a .safetensors file)", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "The .safetensors file to write", Required = true };
        var trained = new Option<bool>("--no-ema") { Description = "Export the trained weights instead of their EMA" };
        var command = new Command("weights", "Write a checkpoint's weights as .safetensors with the model's parameter names") { source, model, checkpoint, output, trained };
        command.SetAction(parsed => RunWeights(parsed.GetValue(source)!, parsed.GetValue(model), parsed.GetValue(checkpoint)!,
                                               parsed.GetValue(output)!, !parsed.GetValue(trained), console));
        return command;
    }

    public static int RunPyTorch(string path, string output, IAnsiConsole console, bool overwrite = false)
    {
        if (MsdPath.Problem(path) is { } problem)
        {
            console.Line($"{path}: error: {problem}");
            return 1;
        }
        if (MsdFile.Read(path, console) is not { } file) return 1;
        var compilation = file.Compilation;
        foreach (var diagnostic in compilation.Diagnostics) console.Line(diagnostic.Format(path));
        if (compilation.Model is null)
        {
            console.Line($"{path}: not exported: the model has errors.");
            return 1;
        }
        return CommandErrors.Guard(console, () =>
        {
            OutputPath.CheckFolder(output, "--output", "the folder to write the PyTorch files into");
            foreach (var written in PyTorchExport.Write(compilation.Model, Path.GetFileName(path), file.Hash!, output, overwrite))
                console.Line($"wrote {written}");
            return 0;
        });
    }

    public static int RunWeights(string source, string? name, string checkpoint, string output, bool ema, IAnsiConsole console) =>
        CommandErrors.Guard(console, () =>
        {
            // .safetensors: msd sample, evaluate and train.py's --init read the weights by that name.
            OutputPath.Check(output, "--output", ".safetensors", ("--checkpoint", checkpoint), ("MODEL", source));
            var assembly = ModelArguments.Prepare(source, console);
            var info = ModelArguments.Load(assembly, name, console);
            using var model = info.Create();
            long step = CheckpointWeights.Load(checkpoint, model, info.SourceHash, ema);
            var metadata = new Dictionary<string, string>
            {
                [SafetensorsWeights.ModelHashKey] = info.SourceHash,
                [SafetensorsWeights.StepKey] = step.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            var folder = Path.GetDirectoryName(Path.GetFullPath(output));
            if (folder is not null) Directory.CreateDirectory(folder);
            SafetensorsWeights.Export(model, output, WeightLayout.Native, metadata: metadata);
            console.Line($"wrote {output}: {ModelSampling.WeightsKind(checkpoint, ema)} of {info.Name} at step {step}");
            return 0;
        });
}
