using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Reporting;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Runtime.Training;
using DiffusionDsl.Tests.Shared;
using SkiaSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Reporting;

public sealed class ReportingTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();
    public void Dispose() => _scratch.Dispose();

    private static TrainStepInfo Info(long step, double loss, params double[] stages) =>
        new(step, 100, loss, stages, 1e-3, TimeSpan.FromSeconds(step / 5.0), ImagesSeen: 8 * step, TrainGFlops: step == 1 ? 1.5 : null);

    [Fact]
    public void ProgressTextShowsLossRateAndTimeLeft()
    {
        Assert.Equal("step 50/100 | loss 0.1235 | 5.0 it/s | ETA 00:00:10", ProgressText.Format(Info(50, 0.12345)));
    }

    [Fact]
    public void CsvMetricsHaveAHeaderAndOneRowPerStepWithEmptyCellsForAbsentStages()
    {
        var path = Path.Combine(_scratch.Path, "metrics.csv");
        using (var writer = new MetricsWriter(path))
        {
            writer.Write(Info(1, 0.5, 0.4, double.NaN));
            writer.Write(Info(2, 0.25, double.NaN, 0.25));
        }
        Assert.Equal(new[]
        {
            "step,loss,learning_rate,elapsed_s,images_seen,train_gflops,loss_stage0,loss_stage1",
            "1,0.5,0.001,0.2,8,1.5,0.4,", "2,0.25,0.001,0.4,16,,,0.25",
        }, File.ReadAllLines(path));
    }

    /// <summary>Training GFLOPs are a sum of per-image costs: their float noise is not written (0.1 + 0.2 is 0.30000000000000004).</summary>
    [Fact]
    public void TrainGflopsAreWrittenWithoutFloatNoise()
    {
        var path = Path.Combine(_scratch.Path, "metrics.csv");
        using (var writer = new MetricsWriter(path))
            writer.Write(new TrainStepInfo(1, 100, 0.5, new[] { 0.5 }, 1e-3, TimeSpan.FromSeconds(1), ImagesSeen: 8, TrainGFlops: 0.1 + 0.2));
        Assert.Equal("1,0.5,0.001,1,8,0.3,0.5", File.ReadAllLines(path)[1]);
    }

    /// <summary>
    /// A run that goes on from a checkpoint drops the rows a dead run wrote past it; a fresh run (from step 0) starts the
    /// file anew instead of appending to a dead run's rows.
    /// </summary>
    [Theory]
    [InlineData("metrics.csv")]
    [InlineData("metrics.jsonl")]
    public void RowsPastTheStepARunContinuesFromAreDropped(string name)
    {
        var path = Path.Combine(_scratch.Path, name);
        using (var dead = new MetricsWriter(path))
            foreach (var step in new[] { 20, 40, 60, 80 }) dead.Write(Info(step, 0.5, 0.4, 0.3));
        using (var resumed = new MetricsWriter(path, continuesFromStep: 40)) resumed.Write(Info(60, 0.25, 0.2, 0.1));
        Assert.Equal(new long[] { 20, 40, 60 }, Steps(path));
        Assert.Equal(name.EndsWith(".csv") ? 4 : 3, File.ReadAllLines(path).Length);

        // A fresh run starts the file anew, keeping the rows it found (another run's record) beside it.
        string? earlier;
        using (var fresh = new MetricsWriter(path, continuesFromStep: 0))
        {
            fresh.Write(Info(20, 0.125, 0.1, 0.1));
            earlier = fresh.KeptEarlierAs;
        }
        Assert.Equal(new long[] { 20 }, Steps(path));
        Assert.StartsWith(name.EndsWith(".csv") ? "step,loss" : "{", File.ReadAllLines(path)[0]);
        Assert.NotNull(earlier);
        Assert.Matches(@"\.earlier-\d{8}-\d{6}(-\d+)?\.(csv|jsonl)$", earlier);
        Assert.Equal(new long[] { 20, 40, 60 }, Steps(earlier!));
    }

    private static long[] Steps(string path) => path.EndsWith(".csv")
        ? File.ReadAllLines(path).Skip(1).Select(l => long.Parse(l.Split(',')[0])).ToArray()
        : File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("step").GetInt64()).ToArray();

    [Fact]
    public void JsonLinesMetricsParseBack()
    {
        var path = Path.Combine(_scratch.Path, "metrics.jsonl");
        using (var writer = new MetricsWriter(path)) writer.Write(Info(3, 0.125, double.NaN, 0.5));
        using var row = JsonDocument.Parse(File.ReadAllLines(path).Single());
        Assert.Equal(3, row.RootElement.GetProperty("step").GetInt64());
        Assert.Equal(0.125, row.RootElement.GetProperty("loss").GetDouble());
        Assert.Equal(JsonValueKind.Null, row.RootElement.GetProperty("stage_losses")[0].ValueKind);
        Assert.Equal(24, row.RootElement.GetProperty("images_seen").GetInt64());
        Assert.Equal(JsonValueKind.Null, row.RootElement.GetProperty("train_gflops").ValueKind);
    }

    [Fact]
    public void SampleGridPlacesEachImageInItsCell()
    {
        var images = stack(new[] { full(1, 2, 2, -1f), full(1, 2, 2, 1f), full(1, 2, 2, 0f) });
        var path = Path.Combine(_scratch.Path, "grid.png");
        SampleGrid.SavePng(images, path, columns: 2, padding: 1);
        using var bitmap = SKBitmap.Decode(path);
        Assert.Equal(2 * (2 + 1) + 1, bitmap.Width);
        Assert.Equal(2 * (2 + 1) + 1, bitmap.Height);
        Assert.Equal(new SKColor(0, 0, 0), bitmap.GetPixel(1, 1));
        Assert.Equal(new SKColor(255, 255, 255), bitmap.GetPixel(4, 1));
        Assert.Equal(new SKColor(128, 128, 128), bitmap.GetPixel(1, 4));
    }

    [Fact]
    public void LossCurveIsAPngOfTheRequestedSize()
    {
        var path = Path.Combine(_scratch.Path, "loss.png");
        LossCurvePlot.SavePng(Enumerable.Range(1, 200).Select(i => ((long)i, 1.0 / i + 0.01)).ToList(), path, 640, 360);
        using var bitmap = SKBitmap.Decode(path);
        Assert.Equal(640, bitmap.Width);
        Assert.Equal(360, bitmap.Height);
    }

    [Fact]
    public void TrainingSessionWritesMetricsSampleGridsAndTheLossCurve()
    {
        var vp = new VpSchedule();
        var model = new TinyMultistageModel(vp, TinyMultistageModel.ThreeStages());
        var options = new TrainOptions { BatchSize = 16, LearningRate = 2e-3, Steps = 30, SampleEvery = 15, LogEvery = 5, CheckpointEvery = 0, EmaDecay = 0.9, OutputDirectory = _scratch.Path };
        using var trainer = new MultistageTrainer(model, vp, PredictionTarget.Eps, options);
        var session = new TrainingSession(trainer, vp, PredictionTarget.Eps, new ReportOptions { ProgressBar = false, PreviewSampling = new SampleOptions { Solver = SolverKind.Ddim, Steps = 10, Count = 4 } });
        session.Run(TinyData.Source());
        Assert.Equal(1 + 6, File.ReadAllLines(session.MetricsPath).Length);
        Assert.True(File.Exists(session.SamplePath(15)));
        Assert.True(File.Exists(session.SamplePath(30)));
        Assert.True(File.Exists(session.LossPlotPath));
        Assert.Single(trainer.Checkpoints.All());
    }

    /// <summary>A run shorter than LogEvery, or not a multiple of it, still logs its last step: metrics and loss curve exist.</summary>
    [Fact]
    public void TheLastStepIsLoggedWhateverLogEvery()
    {
        var vp = new VpSchedule();
        var model = new TinyMultistageModel(vp, TinyMultistageModel.ThreeStages());
        var options = new TrainOptions { BatchSize = 8, Steps = 7, LogEvery = 5, CheckpointEvery = 0, OutputDirectory = _scratch.Path };
        using var trainer = new MultistageTrainer(model, vp, PredictionTarget.Eps, options);
        var session = new TrainingSession(trainer, vp, PredictionTarget.Eps, new ReportOptions { ProgressBar = false, PreviewSampling = new SampleOptions { Solver = SolverKind.Ddim, Steps = 2, Count = 1 } });
        session.Run(TinyData.Source());
        Assert.Equal(new[] { "5", "7" }, File.ReadAllLines(session.MetricsPath).Skip(1).Select(l => l.Split(',')[0]));
        Assert.True(File.Exists(session.LossPlotPath));
    }
}
