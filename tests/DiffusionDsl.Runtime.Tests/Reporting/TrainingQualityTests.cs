using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Evaluation;
using DiffusionDsl.Runtime.Reporting;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Staging;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Runtime.Training;
using DiffusionDsl.Tests.Shared;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Reporting;

/// <summary>Quality during training: every EvalEvery steps, EvalCount EMA samples measured against reference features.</summary>
public sealed class TrainingQualityTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();
    public void Dispose() => _scratch.Dispose();

    private static readonly VpSchedule Vp = new();
    private static readonly SampleOptions Sampling = new() { Solver = SolverKind.Ddim, Steps = 6, Count = 4, Seed = 3 };
    private static readonly ModelCostTable Cost = new(100, new[]
    {
        new StageCost("data", 10, 110, 0.5), new StageCost("middle", 10, 110, 0.25), new StageCost("noise", 10, 110, 0.125),
    });

    private TrainOptions Options(string run, int evalEvery = 5) => new()
    {
        BatchSize = 8, LearningRate = 2e-3, Steps = 10, LogEvery = 5, CheckpointEvery = 0, EmaDecay = 0.9, Seed = 5,
        StageSampling = StageSampling.UniformStage, EvalEvery = evalEvery, EvalCount = 12, OutputDirectory = Path.Combine(_scratch.Path, run),
    };

    private static TinyMultistageModel Model(ModelCostTable? cost = null) => new(Vp, TinyMultistageModel.ThreeStages(), seed: 1) { Cost = cost };

    private static (TrainingSession Session, List<TrainStepInfo> Steps) Run(MultistageTrainer trainer, ReportOptions report)
    {
        var steps = new List<TrainStepInfo>();
        trainer.StepCompleted += steps.Add;
        var session = new TrainingSession(trainer, Vp, PredictionTarget.Eps, report with { ProgressBar = false, PreviewSampling = Sampling });
        session.Run(TinyData.Source());
        return (session, steps);
    }

    private static string[][] Rows(string csv) => File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',')).ToArray();

    [Fact]
    public void EveryEvalEveryStepsTheEmaSamplesAreMeasuredAndLoggedWithImagesSeenAndGFlops()
    {
        var features = new MeanPoolFeatures();
        using var trainer = new MultistageTrainer(Model(Cost), Vp, PredictionTarget.Eps, Options("two-evals"));
        var reference = ReferenceSet.Of(features, TinyData.Images(40, seed: 11));
        var (session, steps) = Run(trainer, new ReportOptions { QualityFeatures = features, QualityReference = reference });

        Assert.Null(session.QualityUnavailable);
        Assert.Equal(QualityWriter.CsvHeader, File.ReadLines(session.QualityPath).First());
        var rows = Rows(session.QualityPath);
        Assert.Equal(new[] { "5", "10" }, rows.Select(r => r[0]));
        for (int i = 0; i < 2; i++)
        {
            var at = steps.Single(s => s.Step == 5 * (i + 1));
            Assert.Equal(at.ImagesSeen.ToString(CultureInfo.InvariantCulture), rows[i][1]);
            Assert.Equal(40 * (i + 1), at.ImagesSeen);
            Assert.Equal(at.TrainGFlops!.Value, double.Parse(rows[i][2], CultureInfo.InvariantCulture));
            Assert.Equal(new[] { "12", "40", "mean-pool-2x2" }, rows[i][3..6]);
        }
        Assert.All(rows, r => Assert.All(r[6..11], cell => Assert.True(double.IsFinite(double.Parse(cell, CultureInfo.InvariantCulture)), cell)));
        Assert.All(rows, r => Assert.Equal("", r[11])); // no class entropy: the features do not classify
        Assert.Equal(2, session.QualityPoints.Count);
        // metrics.csv (every LogEvery = 5 steps) has the same images seen and GFLOPs.
        Assert.Equal(rows.Select(r => (r[0], r[1], r[2])), Rows(session.MetricsPath).Select(r => (r[0], r[4], r[5])));

        // The last row is the final EMA weights' samples (the sampler's settings and seed) against the reference.
        Tensor images;
        using (trainer.Ema.Apply())
            images = new MultistageSampler(trainer.Model, Vp, PredictionTarget.Eps, Sampling).Sample(12, 1, 8, 8, Sampling.Seed);
        double fd = FrechetDistance.Compute(reference.Statistics, FeatureStatistics.Of(features.Features(EightBitImages.Quantise(images)))); // scored as 8-bit images
        Assert.Equal(fd, double.Parse(rows[1][6], CultureInfo.InvariantCulture), 12);

        using var plot = SKBitmap.Decode(session.QualityPlotPath);
        Assert.Equal((1200, 450), (plot.Width, plot.Height)); // two panels: against images seen and against GFLOPs
    }

    /// <summary>A run's last step is scored whatever EvalEvery, so that its final row is its final weights' (a reviewer's finding).</summary>
    [Fact]
    public void TheLastStepIsScoredWhenEvalEveryDoesNotDivideTheSteps()
    {
        using var trainer = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, Options("uneven", evalEvery: 4));
        var (session, _) = Run(trainer, new ReportOptions { QualityFeatures = new MeanPoolFeatures(), QualityReferenceCount = 20 });
        Assert.Equal(new[] { "4", "8", "10" }, Rows(session.QualityPath).Select(r => r[0]));
    }

    [Fact]
    public void TheLiveWeightsWouldScoreOtherwise()
    {
        // What the test above relies on: after 10 steps at EMA decay 0.9 the EMA and the live weights sample differently.
        var features = new MeanPoolFeatures();
        using var trainer = new MultistageTrainer(Model(Cost), Vp, PredictionTarget.Eps, Options("live"));
        var reference = ReferenceSet.Of(features, TinyData.Images(40, seed: 11));
        var (session, _) = Run(trainer, new ReportOptions { QualityFeatures = features, QualityReference = reference });
        var images = new MultistageSampler(trainer.Model, Vp, PredictionTarget.Eps, Sampling).Sample(12, 1, 8, 8, Sampling.Seed);
        double live = FrechetDistance.Compute(reference.Statistics, FeatureStatistics.Of(features.Features(EightBitImages.Quantise(images))));
        Assert.NotEqual(session.QualityPoints[^1].Report.FrechetDistance, live, 6);
    }

    [Fact]
    public void EvaluationsLeaveTrainingExactlyAsItWouldBe()
    {
        List<double> Losses(int evalEvery)
        {
            using var trainer = new MultistageTrainer(Model(Cost), Vp, PredictionTarget.Eps, Options($"same-{evalEvery}", evalEvery) with { StageSampling = StageSampling.Mixed });
            var (_, steps) = Run(trainer, new ReportOptions { QualityFeatures = new MeanPoolFeatures() });
            return steps.Select(s => s.Loss).ToList();
        }
        var with = Losses(evalEvery: 2);
        Assert.True(File.Exists(Path.Combine(_scratch.Path, "same-2", "quality.csv")));
        Assert.Equal(Losses(evalEvery: 0), with);
        Assert.False(File.Exists(Path.Combine(_scratch.Path, "same-0", "quality.csv")));
    }

    [Fact]
    public void TheDefaultReferenceIsEvalCountTrainingImages()
    {
        var features = new MeanPoolFeatures();
        using var trainer = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, Options("train-reference"));
        var (session, _) = Run(trainer, new ReportOptions { QualityFeatures = features });
        Assert.All(Rows(session.QualityPath), r => Assert.Equal(new[] { "12", "12" }, r[3..5]));
        Assert.Equal(12 + 2 * 12, features.ImagesMeasured); // the reference once, then each evaluation's samples
        Assert.All(Rows(session.QualityPath), r => Assert.Equal("", r[2])); // no cost table: no GFLOPs
        using var plot = SKBitmap.Decode(session.QualityPlotPath);
        Assert.Equal((600, 450), (plot.Width, plot.Height)); // one panel: there are no GFLOPs to plot against
    }

    [Fact]
    public void AReferenceCountCanBeChosen()
    {
        using var trainer = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, Options("reference-count"));
        var (session, _) = Run(trainer, new ReportOptions { QualityFeatures = new MeanPoolFeatures(), QualityReferenceCount = 30 });
        Assert.All(Rows(session.QualityPath), r => Assert.Equal("30", r[4]));
    }

    [Fact]
    public void TooFewSamplesForNeighbourhoodsStillGiveAnFd()
    {
        using var trainer = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, Options("few") with { EvalCount = 3 });
        var (session, _) = Run(trainer, new ReportOptions { QualityFeatures = new MeanPoolFeatures(), QualityReferenceCount = 20 });
        var rows = Rows(session.QualityPath);
        Assert.Equal(2, rows.Length);
        Assert.All(rows, r => Assert.True(double.IsFinite(double.Parse(r[6], CultureInfo.InvariantCulture))));
        Assert.All(rows, r => Assert.Equal(new[] { "NaN", "NaN", "NaN", "NaN" }, r[7..11]));
    }

    [Fact]
    public void FashionSizedImagesGetTheBuiltInFeatureNetwork()
    {
        // 1x28x28 training images (the committed 500 held-out Fashion-MNIST images) and no feature network given.
        var images = EvaluationData.FashionMnistTestImages(Evaluation.FashionFeatureNetworkTests.FixtureFolder, 100);
        using var trainer = new MultistageTrainer(Model(Cost), Vp, PredictionTarget.Eps, Options("built-in") with { Steps = 4, EvalEvery = 2, EvalCount = 20 });
        var session = new TrainingSession(trainer, Vp, PredictionTarget.Eps, new ReportOptions { ProgressBar = false, PreviewSampling = Sampling });
        session.Run(new TensorBatchSource(images));
        Assert.Null(session.QualityUnavailable);
        var rows = Rows(session.QualityPath);
        Assert.Equal(new[] { "2", "4" }, rows.Select(r => r[0]));
        Assert.All(rows, r => Assert.Equal(new[] { "20", "20", FashionFeatureNetwork.NetworkName }, r[3..6]));
        // A classifier's feature space: the entropy of the predicted classes, between 0 and ln 10.
        Assert.All(rows, r => Assert.InRange(double.Parse(r[11], CultureInfo.InvariantCulture), 0, Math.Log(10)));
    }

    [Fact]
    public void ImagesNoFeatureNetworkTakesGetOneMessageAndTrainingGoesOn()
    {
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            // No feature network given, and the built-in one measures 1x28x28 images, not these 1x8x8.
            using var trainer = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, Options("no-network") with { EvalEvery = 2 });
            var (session, steps) = Run(trainer, new ReportOptions());
            Assert.Equal(10, steps.Count);
            Assert.Contains("no feature network for 1x8x8 images", session.QualityUnavailable);
            Assert.False(File.Exists(session.QualityPath));
            Assert.False(File.Exists(session.QualityPlotPath));
        }
        finally
        {
            Console.SetError(original);
        }
        Assert.Single(error.ToString().Split('\n'), l => l.Contains("no feature network"));
    }

    [Fact]
    public void AFeatureNetworkThatRefusesTheImagesIsNamedInTheMessage()
    {
        using var trainer = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, Options("refused"));
        var (session, steps) = Run(trainer, new ReportOptions { QualityFeatures = new MeanPoolFeatures(channels: 3, size: 32) });
        Assert.Equal(10, steps.Count);
        Assert.Contains("'mean-pool-2x2' cannot measure these 1x8x8 images", session.QualityUnavailable);
        Assert.Contains("expects images [N, 3, 32, 32]", session.QualityUnavailable);
        Assert.False(File.Exists(session.QualityPath));
    }

    [Fact]
    public void ReferenceFeaturesFromAnotherSpaceAreRefused()
    {
        using var trainer = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps, Options("other-space"));
        var other = new ReferenceSet("another-space", TinyData.Images(8).flatten(1).narrow(1, 0, 4));
        var (session, _) = Run(trainer, new ReportOptions { QualityFeatures = new MeanPoolFeatures(), QualityReference = other });
        Assert.Contains("'another-space'", session.QualityUnavailable);
    }

    private static QualityPoint Point(double? gflops, string space, double precision) =>
        new(20, 640, gflops, new QualityReport(12, 40, space, 2.5, precision, 0.5, 0.75, 0.25, new[] { 0.5, 0.5 }, 0.6931), TimeSpan.FromSeconds(1.5));

    [Fact]
    public void QualityCsvRowsKeepTheirColumns()
    {
        var path = Path.Combine(_scratch.Path, "quality.csv");
        using (var writer = new QualityWriter(path))
        {
            writer.Write(Point(96, "features", 0.125));
            writer.Write(Point(null, "a,b", double.NaN));
        }
        Assert.Equal(new[]
        {
            QualityWriter.CsvHeader,
            "20,640,96,12,40,features,2.5,0.125,0.5,0.75,0.25,0.6931,1.5",
            "20,640,,12,40,\"a,b\",2.5,NaN,0.5,0.75,0.25,0.6931,1.5",
        }, File.ReadAllLines(path));
    }

    /// <summary>
    /// A run resumed at step 4 drops the evaluations past it (made by a run that died before its next checkpoint), which
    /// it makes again, instead of listing step 6 twice; a fresh run starts the file anew.
    /// </summary>
    [Fact]
    public void AResumedRunDropsTheEvaluationsPastItsCheckpoint()
    {
        var path = Path.Combine(_scratch.Path, "resumed-quality.csv");
        QualityPoint At(long step) => Point(96, "features", 0.125) with { Step = step };
        using (var writer = new QualityWriter(path, continuesFromStep: 0))
            foreach (var step in new long[] { 2, 4, 6 }) writer.Write(At(step));
        using (var writer = new QualityWriter(path, continuesFromStep: 4)) writer.Write(At(6));
        Assert.Equal(new[] { "2", "4", "6" }, File.ReadAllLines(path).Skip(1).Select(line => line.Split(',')[0]));
        using (new QualityWriter(path, continuesFromStep: 0)) { }
        Assert.Empty(File.ReadAllLines(path));
    }

    /// <summary>
    /// A resumed run's loss.png and fd.png are the run's curves: the rows kept through its checkpoint, then the new ones
    /// (they began again at the resumed step, a reviewer's finding). In both file formats.
    /// </summary>
    [Theory]
    [InlineData(MetricsFormat.Csv)]
    [InlineData(MetricsFormat.JsonLines)]
    public void AResumedRunsCurvesGoOnFromItsFirstStep(MetricsFormat format)
    {
        var report = new ReportOptions { QualityFeatures = new MeanPoolFeatures(), QualityReferenceCount = 20, MetricsFormat = format };
        var options = Options($"curves-{format}", evalEvery: 2) with { LogEvery = 1, CheckpointEvery = 2, Steps = 4 };
        using (var first = new MultistageTrainer(Model(Cost), Vp, PredictionTarget.Eps, options))
            Run(first, report);
        using var resumed = new MultistageTrainer(Model(Cost), Vp, PredictionTarget.Eps, options with { Steps = 6, ResumeFrom = "latest" });
        var (session, _) = Run(resumed, report);

        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6 }, session.LossCurve.Select(p => p.Step));
        Assert.All(session.LossCurve, p => Assert.True(double.IsFinite(p.Loss)));
        Assert.Equal(new long[] { 2, 4, 6 }, session.QualityCurve.Select(p => p.Step));
        Assert.Equal(new long[] { 16, 32, 48 }, session.QualityCurve.Select(p => p.ImagesSeen));
        Assert.All(session.QualityCurve, p => Assert.True(double.IsFinite(p.Report.FrechetDistance) && p.TrainGFlops > 0));
        Assert.Equal(new long[] { 6 }, session.QualityPoints.Select(p => p.Step)); // this session's own evaluations
    }

    /// <summary>A session run again after a cancelled Run reads the first Run's rows back once, not on top of its own lists.</summary>
    [Fact]
    public void ASecondRunOfOneSessionDoesNotRepeatTheCurvesPoints()
    {
        var options = Options("twice", evalEvery: 2) with { LogEvery = 1, CheckpointEvery = 2, Steps = 6 };
        using var trainer = new MultistageTrainer(Model(Cost), Vp, PredictionTarget.Eps, options);
        var session = new TrainingSession(trainer, Vp, PredictionTarget.Eps,
            new ReportOptions { QualityFeatures = new MeanPoolFeatures(), QualityReferenceCount = 20, ProgressBar = false, PreviewSampling = Sampling });
        using (var stop = new System.Threading.CancellationTokenSource())
        {
            void StopAtFour(TrainStepInfo info) { if (info.Step == 4) stop.Cancel(); }
            trainer.StepCompleted += StopAtFour;
            Assert.True(session.Run(TinyData.Source(), stop.Token).Cancelled);
            trainer.StepCompleted -= StopAtFour;
        }
        session.Run(TinyData.Source());
        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6 }, session.LossCurve.Select(p => p.Step));
        Assert.Equal(new long[] { 2, 4, 6 }, session.QualityCurve.Select(p => p.Step));
    }

    [Fact]
    public void QualityJsonLinesHaveNullsForWhatIsUnknownOrNotMeasured()
    {
        var path = Path.Combine(_scratch.Path, "quality.jsonl");
        using (var writer = new QualityWriter(path)) writer.Write(Point(null, "features", double.NaN));
        using var row = System.Text.Json.JsonDocument.Parse(File.ReadAllLines(path).Single());
        var root = row.RootElement;
        Assert.Equal(640, root.GetProperty("images_seen").GetInt64());
        Assert.Equal(2.5, root.GetProperty("fd").GetDouble());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, root.GetProperty("train_gflops").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, root.GetProperty("precision").ValueKind);
        Assert.Equal(2, root.GetProperty("class_histogram").GetArrayLength());
    }

    [Fact]
    public void EvaluationsDoNotLeaveTensorsBehind()
    {
        using var trainer = new MultistageTrainer(Model(Cost), Vp, PredictionTarget.Eps, Options("memory") with { Steps = 12, EvalEvery = 4, StageSampling = StageSampling.Mixed });
        // Live tensors at steps 5 and 9, after the evaluations at steps 4 and 8 (this handler runs before the session's,
        // which Run subscribes). Mixed batches train every decoder from step 1, so the optimizer's state is all there.
        var live = new List<long>();
        var session = new TrainingSession(trainer, Vp, PredictionTarget.Eps, new ReportOptions
        {
            ProgressBar = false, PreviewSampling = Sampling, QualityFeatures = new MeanPoolFeatures(),
        });
        void Count(TrainStepInfo info) { if (info.Step % 4 == 1 && info.Step > 4) live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount); }
        trainer.StepCompleted += Count;
        session.Run(TinyData.Source());
        Assert.Equal(2, live.Count);
        Assert.Equal(live[0], live[1]);
    }

    /// <summary>
    /// Previews and checkpoints leave no tensors behind either: the grid's 8-bit conversion and the EMA's settling of
    /// idle decoders (one stage per batch leaves two idle) create temporaries every time.
    /// </summary>
    [Fact]
    public void PreviewsAndCheckpointsDoNotLeaveTensorsBehind()
    {
        using var trainer = new MultistageTrainer(Model(), Vp, PredictionTarget.Eps,
            Options("previews", evalEvery: 0) with { Steps = 12, SampleEvery = 4, CheckpointEvery = 4 });
        var live = new List<long>();
        var session = new TrainingSession(trainer, Vp, PredictionTarget.Eps, new ReportOptions { ProgressBar = false, PreviewSampling = Sampling });
        void Count(TrainStepInfo info) { if (info.Step % 4 == 1 && info.Step > 4) live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount); }
        trainer.StepCompleted += Count;
        session.Run(TinyData.Source());
        Assert.True(Directory.GetFiles(Path.Combine(_scratch.Path, "previews"), "*.png", SearchOption.AllDirectories).Length >= 2, "no previews were written");
        Assert.Equal(2, live.Count);
        Assert.Equal(live[0], live[1]);
    }
}
