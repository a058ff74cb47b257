using System;
using System.CommandLine;
using DiffusionDsl.Runtime.Reporting;
using Spectre.Console;

namespace DiffusionDsl.Cli.Commands;

/// <summary>
/// `msd sample MODEL --checkpoint FILE`: loads a checkpoint's EMA weights (or its raw weights with
/// --no-ema) into a model from a built assembly and writes a PNG grid of samples, with the .msd's
/// sample section overridden by the options given.
/// </summary>
public static class SampleCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var source = ModelArguments.Source();
        var model = ModelArguments.ModelName();
        var checkpoint = new Option<string>("--checkpoint") { Description = "A checkpoint written by training (or weights as .safetensors: msd export weights, the exported train.py's)", Required = true };
        var output = new Option<string>("--output") { Description = "The PNG grid to write", DefaultValueFactory = _ => "samples.png" };
        var count = new Option<int?>("--count") { Description = "Number of images (default: the .msd's count)" };
        var sampling = new ModelSampling.Options();
        var scale = new Option<int>("--scale") { Description = "Pixels per image pixel in the grid", DefaultValueFactory = _ => 2 };

        var command = new Command("sample", "Sample a PNG grid from a trained model") { source, model, checkpoint, output, count };
        sampling.AddTo(command);
        command.Options.Add(scale);
        command.SetAction(parsed => Run(new SampleSettings
        {
            Source = parsed.GetValue(source)!, Model = parsed.GetValue(model), Checkpoint = parsed.GetValue(checkpoint)!,
            Output = parsed.GetValue(output)!, Count = parsed.GetValue(count), Steps = parsed.GetValue(sampling.Steps),
            Solver = parsed.GetValue(sampling.Solver), Seed = parsed.GetValue(sampling.Seed), Ema = !parsed.GetValue(sampling.NoEma),
            Clip = parsed.GetValue(sampling.Clip), EndTime = parsed.GetValue(sampling.EndTime), Churn = parsed.GetValue(sampling.Churn), Spacing = parsed.GetValue(sampling.Spacing), Scale = parsed.GetValue(scale), Device = parsed.GetValue(sampling.Device),
        }, console));
        return command;
    }

    public static int Run(SampleSettings settings, IAnsiConsole console) =>
        CommandErrors.Guard(console, () => RunUnguarded(settings, console));

    private static int RunUnguarded(SampleSettings settings, IAnsiConsole console)
    {
        ModelSampling.Check(settings.Count, settings.Steps, settings.EndTime, settings.Churn);
        OutputPath.Check(settings.Output, "--output", ".png", ("--checkpoint", settings.Checkpoint), ("MODEL", settings.Source));
        if (settings.Scale < 1) throw new ArgumentException($"--scale must be at least 1, not {settings.Scale}.");
        var assembly = ModelArguments.Prepare(settings.Source, console, settings.Device);
        var info = ModelArguments.Load(assembly, settings.Model, console);
        var request = new SamplingRequest(settings.Checkpoint, settings.Count, settings.Steps, settings.Solver, settings.Seed, settings.Ema, settings.Clip, settings.Device, settings.EndTime, settings.Churn, settings.Spacing);
        var options = ModelSampling.Resolve(info, request);
        // Refused before sampling, not by the PNG encoder after it.
        if (SampleGrid.SizeProblem(options.Count, info.ImageSize, info.ImageSize, scale: settings.Scale) is { } tooLarge)
            throw new ArgumentException($"--scale {settings.Scale} with {options.Count} images: {tooLarge}; lower --scale or --count.");

        var (images, summary) = ModelSampling.Sample(info, request, options, console);
        using (images)
        {
            SampleGrid.SavePng(images, settings.Output, scale: settings.Scale);
            console.Line($"{summary} -> {settings.Output}");
        }
        return 0;
    }
}
