using System.IO;
using System.Linq;
using DiffusionDsl.Data.Tests.Data;
using DiffusionDsl.Language.Editing;
using DiffusionDsl.Runtime.Clustering;
using DiffusionDsl.Tests.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Data.Tests.Clustering;

public class TimestepClusteringTests
{
    private static Tensor SmallData(int count = 64) =>
        rand(new long[] { count, 1, 4, 4 }, generator: new Generator(5)).mul_(2).sub_(1);

    [Fact]
    public void OneImageMakesEveryTimeAlike()
    {
        // eps* = eps at every t for a one-image dataset (closed form), so all predictions agree.
        using var data = SmallData(1);
        using var denoiser = new OptimalDenoiser(data);
        var grid = TimeGrid.Uniform(5, new TestSchedules.Linear());
        var measured = TimestepSimilarity.Measure(denoiser, new TestSchedules.Linear(), grid, new SimilarityOptions { SamplesPerPair = 3 });
        Assert.All(measured.Matrix.Cast<double>(), s => Assert.Equal(1.0, s));
        Assert.True(measured.Float64MaxDifference < 1e-3);
    }

    [Fact]
    public void SimilarityIsASymmetricMatrixWithUnitDiagonal()
    {
        using var data = SmallData();
        using var denoiser = new OptimalDenoiser(data, chunkSize: 10);
        var schedule = new TestSchedules.Vp();
        var grid = TimeGrid.Uniform(7, schedule);
        var s = TimestepSimilarity.Measure(denoiser, schedule, grid, new SimilarityOptions { SamplesPerPair = 4, Eta = 0.05, QueryBlock = 8 }).Matrix;
        for (int a = 0; a < 7; a++)
        {
            Assert.Equal(1.0, s[a, a]);
            for (int b = 0; b < 7; b++) { Assert.Equal(s[a, b], s[b, a]); Assert.InRange(s[a, b], 0, 1); }
        }
        // eps* is eps at both ends (one image dominates at low noise, the data mean at high noise),
        // so similarity to t = 0 dips in the middle of the grid.
        Assert.True(s[0, 1] > s[0, 3] && s[0, 6] > s[0, 3]);
    }

    /// <summary>
    /// Under the x0 target (what the reference's own similarity run stored) there is no U: x0* is x0 at low noise and the
    /// data mean at high noise, so the far end is as unlike the start as the middle is, where under eps it is alike again.
    /// </summary>
    [Fact]
    public void UnderTheX0TargetTheFarEndIsUnlikeTheStart()
    {
        using var data = SmallData();
        using var denoiser = new OptimalDenoiser(data, chunkSize: 10);
        var schedule = new TestSchedules.Vp();
        var grid = TimeGrid.Uniform(7, schedule);
        double[,] Similarity(DiffusionDsl.Runtime.Diffusion.PredictionTarget target) => TimestepSimilarity.Measure(denoiser, schedule, grid,
            new SimilarityOptions { SamplesPerPair = 4, Eta = 0.05, QueryBlock = 8, Target = target }).Matrix;
        var x0 = Similarity(DiffusionDsl.Runtime.Diffusion.PredictionTarget.X0);
        var eps = Similarity(DiffusionDsl.Runtime.Diffusion.PredictionTarget.Eps);
        Assert.True(x0[0, 1] > 0.5 && x0[0, 6] < 0.1 && eps[0, 6] > 0.5, $"x0: {x0[0, 1]}, {x0[0, 6]}; eps: {eps[0, 6]}");
    }

    [Theory]
    [InlineData(ClusteringMethod.Partition, 3)]
    [InlineData(ClusteringMethod.Partition, 4)]
    [InlineData(ClusteringMethod.Algorithm1, 3)]
    [InlineData(ClusteringMethod.Uniform, 3)]
    [InlineData(ClusteringMethod.LogSnrKMedians, 2)]
    public void RunGivesAscendingBoundariesInsideTheUnitInterval(ClusteringMethod method, int stages)
    {
        using var data = SmallData();
        var result = TimestepClustering.Run(new ClusteringOptions
        {
            Data = data, Schedule = new TestSchedules.Vp(), Stages = stages, Method = method, GridSize = 9,
            Alpha = 0.8, Similarity = new SimilarityOptions { SamplesPerPair = 4, Eta = 0.05 },
        });
        Assert.Equal(stages - 1, result.Boundaries.Count);
        Assert.True(result.Boundaries.Zip(result.Boundaries.Skip(1)).All(p => p.First < p.Second) || method == ClusteringMethod.Algorithm1);
        Assert.All(result.Boundaries, b => Assert.InRange(b, 0.0, 1.0));
        Assert.Equal(method is ClusteringMethod.Partition or ClusteringMethod.Algorithm1, result.SimilarityMatrix is not null);
    }

    [Fact]
    public void ClustersAnIdxFileAndWritesTheBoundariesIntoAnMsd()
    {
        using var folder = new ScratchFolder();
        var idx = folder.File("train-images-idx3-ubyte.gz");
        File.WriteAllBytes(idx, TestFiles.Gzip(TestFiles.Idx(50, 6, 6, i => (byte)(i * 7919 % 251))));
        var msd = folder.File("model.msd");
        File.WriteAllText(msd, "stages {\n  a [0, 0.3) // keep\n  b [0.3, 0.6)\n  c [0.6, 1]\n}\n");

        using var dataset = DiffusionDsl.Runtime.Data.DatasetLoader.Load(idx);
        var result = TimestepClustering.Run(new ClusteringOptions
        {
            Data = dataset.Images, Schedule = new TestSchedules.Vp(), GridSize = 11,
            Similarity = new SimilarityOptions { SamplesPerPair = 4, Eta = 0.05 },
        });
        MsdStagesRewriter.RewriteFile(msd, result.Boundaries);

        var (t1, t2) = (result.Boundaries[0].ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture),
                        result.Boundaries[1].ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal($"stages {{\n  a [0, {t1}) // keep\n  b [{t1}, {t2})\n  c [{t2}, 1]\n}}\n", File.ReadAllText(msd));
    }

    [Fact]
    public void HeatmapIsAPng()
    {
        using var folder = new ScratchFolder();
        var path = folder.File("similarity.png");
        SimilarityHeatmap.WritePng(path, new double[,] { { 1, 0.5 }, { 0.5, 1 } }, new[] { 0, 1 }, cellPixels: 4);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, bytes[..4]);
    }
}
