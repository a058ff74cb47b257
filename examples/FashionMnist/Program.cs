using System;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Staging;
using Examples.FashionMnist;

// The three Fashion-MNIST models side by side: what each stage costs, and the cost averaged over t
// (the share of [0, 1] each stage covers), which is what matching compute means here.
// `train [steps] [data]` then trains each for the same steps (default 300) and compares them.
Print("multistage", FashionMultistage.Table, FashionMultistage.Cost);
Print("unified", FashionUnified.Table, FashionUnified.Cost);
Print("separate", FashionSeparate.Table, FashionSeparate.Cost);

if (args.Length > 0 && args[0] == "train")
{
    int steps = args.Length > 1 ? int.Parse(args[1]) : 300;
    string data = args.Length > 2 ? args[2] : "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
    if (!File.Exists(data) && !Directory.Exists(data))
    {
        Console.Error.WriteLine($"{data}: not found. Install Debian's dataset-fashion-mnist or pass an IDX file or folder.");
        return 1;
    }
    Console.WriteLine();
    // Held out: Fashion-MNIST's test images, in the data folder or beside the training file.
    string folder = Directory.Exists(data) ? data : Path.GetDirectoryName(Path.GetFullPath(data))!;
    string? test = new[] { "t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte" }.Select(n => Path.Combine(folder, n)).FirstOrDefault(File.Exists);
    if (test is null)
    {
        Console.Error.WriteLine($"{folder}: no t10k-images-idx3-ubyte(.gz) beside the data, to hold out.");
        return 1;
    }
    Console.WriteLine($"training data {data}; held-out images {test}");
    EqualStepsComparison.Run(new[] { FashionMultistage.Info, FashionUnified.Info, FashionSeparate.Info }, data, test, steps, Path.Combine("runs", "fashion"));
}
return 0;

static void Print(string label, StageTable table, ModelCostTable cost)
{
    Console.WriteLine($"{label}: {cost.TotalParameters:N0} parameters, {cost.SharedParameters:N0} in the shared encoder");
    foreach (var (stage, stageCost) in table.Stages.Zip(cost.Stages))
        Console.WriteLine($"  {stage.Name,-11} t [{stage.Start:0.000}, {stage.End:0.000}]  active {stageCost.ActiveParameters,9:N0}  {stageCost.GFlops:0.0000} GFLOPs");
    double perT = table.Stages.Zip(cost.Stages).Sum(p => (p.First.End - p.First.Start) * p.Second.GFlops);
    Console.WriteLine($"  average over t: {perT:0.0000} GFLOPs per image");
}
