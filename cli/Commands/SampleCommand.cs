using System;
using System.CommandLine;
using System.Linq;
using DiffusionDsl.Language.Semantics;
using DiffusionDsl.Runtime;
using DiffusionDsl.Runtime.Checkpoints;
using DiffusionDsl.Runtime.Hosting;
using DiffusionDsl.Runtime.Reporting;
using DiffusionDsl.Runtime.Sampling;
using Spectre.Console;
using TorchSharp;

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
        var checkpoint = new Option<string>("--checkpoint") { Description = "A checkpoint written by training", Required = true };
        var output = new Option<string>("--output") { Description = "The PNG grid to write", DefaultValueFactory = _ => "samples.png" };
        var count = new Option<int?>("--count") { Description = "Number of images (default: the .msd's count)" };
        var steps = new Option<int?>("--steps") { Description = "Solver steps (default: the .msd's steps)" };
        var solver = new Option<string?>("--solver") { Description = "Solver (default: the .msd's solver)" };
        solver.AcceptOnlyFromAmong(SolverNames.All.ToArray());
        var seed = new Option<long?>("--seed") { Description = "Seed of the initial noise" };
        var noEma = new Option<bool>("--no-ema") { Description = "Use the trained weights, not their moving average" };
        var clip = new Option<bool?>("--clip") { Description = "Clamp each clean-image estimate to [-1, 1] (true/false; default: the .msd's clip)" };
        var scale = new Option<int>("--scale") { Description = "Pixels per image pixel in the grid", DefaultValueFactory = _ => 2 };
        var device = ModelArguments.Device();

        var command = new Command("sample", "Sample a PNG grid from a trained model")
        {
            source, model, checkpoint, output, count, steps, solver, seed, noEma, clip, scale, device,
        };
        command.SetAction(parsed => Run(new SampleSettings
        {
            Source = parsed.GetValue(source)!, Model = parsed.GetValue(model), Checkpoint = parsed.GetValue(checkpoint)!,
            Output = parsed.GetValue(output)!, Count = parsed.GetValue(count), Steps = parsed.GetValue(steps),
            Solver = parsed.GetValue(solver), Seed = parsed.GetValue(seed), Ema = !parsed.GetValue(noEma), Clip = parsed.GetValue(clip),
            Scale = parsed.GetValue(scale), Device = parsed.GetValue(device),
        }, console));
        return command;
    }

    public static int Run(SampleSettings settings, IAnsiConsole console) =>
        CommandErrors.Guard(console, () => RunUnguarded(settings, console));

    private static int RunUnguarded(SampleSettings settings, IAnsiConsole console)
    {
        if (settings.Count is < 1) throw new ArgumentException($"--count must be at least 1, not {settings.Count}.");
        if (settings.Steps is < 1) throw new ArgumentException($"--steps must be at least 1, not {settings.Steps}.");
        if (settings.Scale < 1) throw new ArgumentException($"--scale must be at least 1, not {settings.Scale}.");
        ModelArguments.CheckDevice(settings.Device);
        var info = ModelArguments.Load(settings.Source, settings.Model, console);
        var defaults = info.SampleDefaults;
        var options = defaults with
        {
            Solver = settings.Solver is null ? defaults.Solver : Enum.Parse<SolverKind>(SolverNames.KindOf(settings.Solver)),
            Steps = settings.Steps ?? defaults.Steps,
            Count = settings.Count ?? defaults.Count,
            Seed = settings.Seed ?? defaults.Seed,
            ClipDenoised = settings.Clip ?? defaults.ClipDenoised,
        };

        using var model = info.Create();
        long step = CheckpointWeights.Load(settings.Checkpoint, model, info.SourceHash, settings.Ema);
        model.to(TorchSetup.DefaultDevice(settings.Device)).eval();
        console.Line($"checkpoint: {settings.Checkpoint} (step {step}, {(settings.Ema ? "EMA" : "trained")} weights)");

        using (torch.no_grad())
        {
            var sampler = new MultistageSampler(model, model.Schedule, info.Prediction, options);
            using var images = sampler.Sample(options.Count, info.ImageChannels, info.ImageSize, info.ImageSize, options.Seed);
            SampleGrid.SavePng(images, settings.Output, scale: settings.Scale);
            console.Line($"sampled {options.Count} images with {options.Solver}, {options.Steps} steps{(options.ClipDenoised ? ", clipped to [-1, 1]" : "")} " +
                         $"(evaluations per stage: {string.Join(" / ", sampler.EvaluationsPerStage)}) -> {settings.Output}");
        }
        return 0;
    }
}
