// Times optimal-denoiser timestep clustering at the paper's reference scale: a CIFAR-10-sized set
// (50,000 x 3x32x32, generated unless --data names a real one), 21 grid times, 20 samples per pair,
// VP schedule (beta 0.1 to 20), eta = 2/256. The reference code took 12 to 60 CPU-hours for this.
//   dotnet run -c Release --project benchmarks/DiffusionDsl.ClusteringBenchmark -- [--n 50000] [--grid 21]
//     [--samples 20] [--stages 3] [--alpha 0.9] [--eta 0.0078125] [--chunk 2048] [--threads 2] [--data PATH] [--png FILE]
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using DiffusionDsl.Runtime.Clustering;
using DiffusionDsl.Runtime.Data;
using DiffusionDsl.Runtime.Schedules;
using TorchSharp;
using static TorchSharp.torch;

var arguments = ParseArguments(args);
int count = Int("n", 50_000), gridSize = Int("grid", 21), samples = Int("samples", 20), stages = Int("stages", 3);
int chunk = Int("chunk", 2048), threads = Int("threads", Environment.ProcessorCount);
double eta = Double("eta", 2.0 / 256.0), alpha = Double("alpha", 0.9);
torch.set_num_threads(threads);

var clock = Stopwatch.StartNew();
Tensor data;
if (arguments.TryGetValue("data", out var path))
{
    using var dataset = DatasetLoader.Load(path, new DatasetOptions { Limit = count });
    data = dataset.Images.clone();
}
else
{
    data = GeneratedCifarSized(count);
}
Console.WriteLine($"data: {data.shape[0]} x {string.Join("x", data.shape.Skip(1))} ({(arguments.ContainsKey("data") ? path : "generated")}), ready in {clock.Elapsed.TotalSeconds:0.0} s");
Console.WriteLine($"grid {gridSize}, {samples} samples per pair, eta {eta:0.######}, chunk {chunk}, {threads} torch threads");

var schedule = new VpSchedule(0.1, 20.0);
var options = new ClusteringOptions
{
    Data = data, Schedule = schedule, Stages = stages, GridSize = gridSize, ChunkSize = chunk, Alpha = alpha,
    Similarity = new SimilarityOptions { SamplesPerPair = samples, Eta = eta },
};
var partition = TimestepClustering.Run(options);
Console.WriteLine($"similarity matrix + {stages}-stage partition: {partition.Elapsed.TotalSeconds:0.0} s");
Console.WriteLine($"  float32 vs float64 (max |difference| of eps* on checked queries): {partition.Float64MaxDifference:0.###e+0}");
Console.WriteLine($"  partition boundaries: {Format(partition.Boundaries)}");
if (stages == 3)
{
    var algorithm1 = TwoBoundarySearch.Solve(partition.SimilarityMatrix!, partition.Grid, alpha);
    Console.WriteLine($"  Algorithm 1 (alpha {alpha}): t1 = {algorithm1.T1:0.####}, t2 = {algorithm1.T2:0.####}");
}
Console.WriteLine($"  uniform: {Format(BaselineBoundaries.Uniform(stages))}; log-SNR k-medians: {Format(BaselineBoundaries.LogSnrKMedians(schedule, stages))}");
if (arguments.TryGetValue("png", out var png))
{
    SimilarityHeatmap.WritePng(png, partition.SimilarityMatrix!, partition.StageStarts);
    Console.WriteLine($"  heatmap: {png}");
}
Console.WriteLine($"total: {clock.Elapsed.TotalSeconds:0.0} s");

// Smooth random images (low-frequency noise upsampled from 8x8), so neighbours are not all equidistant.
static Tensor GeneratedCifarSized(int count)
{
    using var generator = new Generator(2024);
    var images = empty(count, 3, 32, 32);
    for (int start = 0; start < count; start += 5000)
    {
        using var scope = NewDisposeScope();
        int n = Math.Min(5000, count - start);
        var coarse = randn(new long[] { n, 3, 8, 8 }, generator: generator);
        var fine = nn.functional.interpolate(coarse, new long[] { 32, 32 }, mode: InterpolationMode.Bilinear, align_corners: false);
        images.narrow(0, start, n).copy_(fine.add_(randn(fine.shape, generator: generator).mul_(0.1)).tanh_());
    }
    return images;
}

static string Format(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("0.####", CultureInfo.InvariantCulture)));

int Int(string name, int fallback) => arguments.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
double Double(string name, double fallback) => arguments.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

static Dictionary<string, string> ParseArguments(string[] args)
{
    var result = new Dictionary<string, string>();
    for (int i = 0; i + 1 < args.Length; i += 2)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"Expected --name value, got '{args[i]}'.");
        result[args[i][2..]] = args[i + 1];
    }
    return result;
}
