using System;
using System.Globalization;
using System.IO;
using DiffusionDsl.Runtime.Evaluation;
using TorchSharp;

// Trains FashionFeatureNetwork, the feature space of DiffusionDsl's sample-quality metrics, and writes its weights:
//   dotnet run -c Release --project tools/FeatureNetwork -- [data folder] [output] [--epochs N] [--seed S] [--threads T]
// Defaults: /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist) and
// runtime/Evaluation/Weights/fashion-features.safetensors, the weights the runtime embeds.
string? data = null, output = null;
int epochs = FeatureNetworkTraining.DefaultEpochs, threads = 1;
long seed = 0;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--epochs": epochs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--seed": seed = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "-h" or "--help":
            Console.WriteLine("usage: FeatureNetwork [data folder] [output.safetensors] [--epochs N] [--seed S] [--threads T]");
            return 0;
        default:
            if (data is null) data = args[i];
            else if (output is null) output = args[i];
            else { Console.Error.WriteLine($"unexpected argument '{args[i]}'"); return 2; }
            break;
    }
}
data ??= EvaluationData.DefaultFashionMnistFolder;
output ??= Path.Combine(RepositoryRoot(), "runtime", "Evaluation", "Weights", "fashion-features.safetensors");
torch.set_num_threads(threads);
torch.set_num_interop_threads(1);
Console.WriteLine($"training {FashionFeatureNetwork.NetworkName} on {data}: {epochs} epochs, seed {seed}, {threads} torch thread(s)");
var result = FeatureNetworkTraining.Train(data, output, epochs, seed, Console.WriteLine);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"wrote {result.OutputPath} ({new FileInfo(result.OutputPath).Length:N0} bytes): test accuracy {result.TestAccuracy:P2}, {result.Elapsed.TotalMinutes:F1} min"));
return 0;

// The folder holding DiffusionDsl.sln above the working directory (dotnet run starts in the caller's folder).
static string RepositoryRoot()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "DiffusionDsl.sln"))) return dir.FullName;
    throw new InvalidOperationException("Run from inside the DiffusionDsl repository, or give the output path.");
}
