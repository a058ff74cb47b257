using System;
using System.Globalization;
using System.IO;
using DiffusionDsl.Runtime.Checkpoints;
using DiffusionDsl.Runtime.Data;
using DiffusionDsl.Runtime.Reporting;
using DiffusionDsl.Runtime.Training;
using TorchSharp;

namespace MsdModel;

// Trains MsdModel (generated from MsdModel.msd by the build) on a data set, then samples a PNG grid with the
// .msd's solver. Usage: dotnet run -- DATA [STEPS] [OUTPUT]
// DATA: an IDX file (Fashion-MNIST's train-images-idx3-ubyte.gz), CIFAR-10 binary batches or a folder of PNG/JPEG images.
// An OUTPUT that holds a run is continued from its latest checkpoint up to STEPS.
internal static class Program
{
    private const string Usage = "usage: dotnet run -- DATA [STEPS] [OUTPUT]   (STEPS default: the .msd's train steps; OUTPUT default: runs/MsdModel, " +
                                 "continued up to STEPS when it holds a run)";

    public static int Main(string[] args)
    {
        if (args.Length is 0 or > 3) return Fail(Usage);
        var steps = MsdModelTrainer.Defaults.Steps;
        if (args.Length > 1 && (!int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out steps) || steps < 1))
            return Fail($"STEPS must be a whole number of at least 1, not '{args[1]}'.\n{Usage}");
        var output = args.Length > 2 ? args[2] : Path.Combine("runs", "MsdModel");
        try
        {
            Train(args[0], MsdModelTrainer.Defaults with { Steps = steps, OutputDirectory = output, ResumeFrom = "latest" });
            return 0;
        }
        catch (Exception e) when (e is DataFormatException or CheckpointException or TrainingDivergedException
                                      or ArgumentException or IOException or UnauthorizedAccessException)
        {
            return Fail(e.Message);
        }
    }

    private static void Train(string dataPath, TrainOptions options)
    {
        if (!File.Exists(dataPath) && !Directory.Exists(dataPath)) throw new FileNotFoundException($"{dataPath}: no such file or folder.");
        var info = MsdModel.Info;
        using var data = DatasetLoader.Load(dataPath, new DatasetOptions { ImageChannels = info.ImageChannels, Seed = options.Seed });
        if (data.Channels != info.ImageChannels || data.Height != info.ImageSize || data.Width != info.ImageSize)
            throw new DataFormatException(dataPath, $"its images are {data.Channels}x{data.Height}x{data.Width}, but MsdModel takes " +
                                                    $"{info.ImageChannels}x{info.ImageSize}x{info.ImageSize} (the image line of MsdModel.msd).");
        Console.WriteLine($"MsdModel: {MsdModel.Cost}");
        Console.WriteLine($"data: {data.Count} images from {dataPath}; output: {Path.GetFullPath(options.OutputDirectory)}");

        torch.random.manual_seed(options.Seed); // the initial weights too: one seed, one run
        using var model = new MsdModel();
        using var trainer = new MsdModelTrainer(model, options);
        var result = trainer.Train(data);
        Console.WriteLine($"trained to step {result.Step}, last loss {result.LastLoss:F4}");

        // The EMA weights sample better than the trained ones.
        using (trainer.Trainer.Ema.Apply())
        using (torch.no_grad())
        {
            using var images = new MsdModelSampler(model).Sample();
            var grid = Path.Combine(options.OutputDirectory, "samples.png");
            SampleGrid.SavePng(images, grid, scale: 2);
            Console.WriteLine($"samples: {grid}");
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return 1;
    }
}
