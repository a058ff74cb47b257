using System;
using System.Globalization;
using System.IO;
using DiffusionDsl.Runtime.Evaluation;
using TorchSharp;

// Trains FashionFeatureNetwork, the feature space of DiffusionDsl's sample-quality metrics, and writes its weights:
//   dotnet run -c Release --project tools/FeatureNetwork -- [data folder] [output] [--epochs N] [--seed S] [--threads T]
// Defaults: /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist) and
// runtime/Evaluation/Weights/fashion-features.safetensors, the weights the runtime embeds.
//   ... -- --baseline [data folder] [weights]
// instead scores real training images against the held-out test set with the weights (default: the embedded ones),
// at N = 1,000, 2,000 and 10,000, against N test images and against all 10,000 (as samples are scored): what a
// generator that reproduced the data distribution would score.
string? data = null, output = null;
bool baseline = false;
int epochs = FeatureNetworkTraining.DefaultEpochs, threads = 1;
long seed = 0;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--epochs": epochs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--seed": seed = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--baseline": baseline = true; break;
        case "-h" or "--help":
            Console.WriteLine("usage: FeatureNetwork [data folder] [output.safetensors] [--epochs N] [--seed S] [--threads T]");
            Console.WriteLine("       FeatureNetwork --baseline [data folder] [weights.safetensors] [--threads T]");
            return 0;
        default:
            if (data is null) data = args[i];
            else if (output is null) output = args[i];
            else { Console.Error.WriteLine($"unexpected argument '{args[i]}'"); return 2; }
            break;
    }
}
data ??= EvaluationData.DefaultFashionMnistFolder;
if (baseline)
{
    torch.set_num_threads(threads);
    Baseline(data, output);
    return 0;
}
output ??= Path.Combine(RepositoryRoot(), "runtime", "Evaluation", "Weights", "fashion-features.safetensors");
torch.set_num_threads(threads);
torch.set_num_interop_threads(1);
Console.WriteLine($"training {FashionFeatureNetwork.NetworkName} on {data}: {epochs} epochs, seed {seed}, {threads} torch thread(s)");
var result = FeatureNetworkTraining.Train(data, output, epochs, seed, Console.WriteLine);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"wrote {result.OutputPath} ({new FileInfo(result.OutputPath).Length:N0} bytes): test accuracy {result.TestAccuracy:P2}, {result.Elapsed.TotalMinutes:F1} min"));
return 0;

// Real images against real images: training images (never seen by the FD reference) against the test set, in the two
// settings the figures are read in. Equal sets are the metrics' own papers' setting; N against all 10,000 test images is
// how samples are scored (msd evaluate, the training evaluations, the comparisons), and there coverage cannot reach 1:
// N samples cover at most about 1 - exp(-k N / 10,000) of the reference balls.
static void Baseline(string data, string? weights)
{
    using var network = weights is null ? FashionFeatureNetwork.LoadDefault() : FashionFeatureNetwork.Load(weights);
    var full = ReferenceSet.FashionMnistTest(network, data, 10_000);
    foreach (int n in new[] { 1_000, 2_000, 10_000 })
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var scope = torch.NewDisposeScope();
        var train = EvaluationData.FashionMnistTrainImages(data, n);
        if (n < full.Count)
        {
            var equal = SampleQuality.Evaluate(network, ReferenceSet.FashionMnistTest(network, data, n), train);
            Console.WriteLine($"{n:N0} training images against {n:N0} test images ({clock.Elapsed.TotalSeconds:F0} s):");
            Console.WriteLine(equal.ToTable());
            clock.Restart();
        }
        var scored = SampleQuality.Evaluate(network, full, train);
        Console.WriteLine($"{n:N0} training images against all {full.Count:N0} test images, as samples are scored ({clock.Elapsed.TotalSeconds:F0} s):");
        Console.WriteLine(scored.ToTable());
    }
}

// The folder holding DiffusionDsl.sln above the working directory (dotnet run starts in the caller's folder).
static string RepositoryRoot()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "DiffusionDsl.sln"))) return dir.FullName;
    throw new InvalidOperationException("Run from inside the DiffusionDsl repository, or give the output path.");
}
