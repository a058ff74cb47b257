using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Training;

namespace DiffusionDsl.Runtime.Reporting;

/// <summary>
/// Trains with everything a user expects to see: a progress bar, metrics (metrics.csv or metrics.jsonl, with the images
/// seen and training GFLOPs), EMA sample grids (samples/step-N.png every SampleEvery steps and at the end), loss.png and,
/// every EvalEvery steps, the quality of EvalCount EMA samples (quality.csv or quality.jsonl, and fd.png), all under
/// TrainOptions.OutputDirectory.
/// </summary>
public sealed class TrainingSession
{
    private readonly MultistageTrainer _trainer;
    private readonly MultistageSampler _previewSampler;
    private readonly ReportOptions _report;
    private readonly List<(long Step, double Loss)> _losses = new();
    private readonly List<QualityPoint> _quality = new();
    /// <summary>A resumed run's evaluations before this session (quality.csv's rows through its checkpoint), for fd.png.</summary>
    private readonly List<QualityPoint> _earlierQuality = new();

    public TrainingSession(MultistageTrainer trainer, INoiseSchedule schedule, PredictionTarget target, ReportOptions? report = null)
    {
        _trainer = trainer;
        _report = report ?? new ReportOptions();
        _previewSampler = new MultistageSampler(trainer.Model, schedule, target, _report.PreviewSampling);
    }

    public string OutputDirectory => _trainer.Options.OutputDirectory;
    public string MetricsPath => Path.Combine(OutputDirectory, _report.MetricsFormat == MetricsFormat.Csv ? "metrics.csv" : "metrics.jsonl");
    public string LossPlotPath => Path.Combine(OutputDirectory, "loss.png");
    public string SamplePath(long step) => Path.Combine(OutputDirectory, "samples", $"step-{step:D8}.png");
    public string QualityPath => Path.Combine(OutputDirectory, _report.MetricsFormat == MetricsFormat.Csv ? "quality.csv" : "quality.jsonl");
    public string QualityPlotPath => Path.Combine(OutputDirectory, "fd.png");

    /// <summary>The loss curve's (step, loss) points: a resumed run's from its first step, then this session's logged steps.</summary>
    public IReadOnlyList<(long Step, double Loss)> LossCurve => _losses;

    /// <summary>The FD curve's points: a resumed run's earlier evaluations (read back from its quality file), then this session's.</summary>
    public IReadOnlyList<QualityPoint> QualityCurve => _earlierQuality.Concat(_quality).ToList();

    /// <summary>The quality evaluations of this session's last <see cref="Run"/>, in order.</summary>
    public IReadOnlyList<QualityPoint> QualityPoints => _quality;

    /// <summary>Why EvalEvery is set but no evaluation runs (no feature network for the data's images, ...); null otherwise.</summary>
    public string? QualityUnavailable { get; private set; }

    public TrainResult Run(IBatchSource data, CancellationToken cancellation = default)
    {
        // A Run's curves are its run's: a second Run of one session reads the first's rows back from the files.
        _losses.Clear();
        _quality.Clear();
        _earlierQuality.Clear();
        // Opened at the first step, when the trainer knows where it continues from (a checkpoint's step, or 0).
        MetricsWriter? metrics = null;
        using var quality = StartQuality(data);
        QualityWriter? qualityRows = null;
        void OnStep(TrainStepInfo info)
        {
            if (metrics is null)
            {
                metrics = new MetricsWriter(MetricsPath, _report.MetricsFormat, continuesFromStep: info.Step - 1);
                NoteEarlierRows(MetricsPath, metrics.KeptEarlierAs);
                // A resumed run's loss curve is the run's: the rows kept through its checkpoint, then this Run's.
                if (info.Step > 1) _losses.AddRange(RunRows.Losses(MetricsPath, _report.MetricsFormat == MetricsFormat.Csv));
            }
            if (quality is not null && qualityRows is null)
            {
                qualityRows = new QualityWriter(QualityPath, _report.MetricsFormat, continuesFromStep: info.Step - 1);
                NoteEarlierRows(QualityPath, qualityRows.KeptEarlierAs);
                if (info.Step > 1) _earlierQuality.AddRange(RunRows.QualityPoints(QualityPath, _report.MetricsFormat == MetricsFormat.Csv));
            }
            // The loss is read back from the device only at logged steps and the last (TrainStepInfo reads it when first asked).
            if (info.Step % Math.Max(1, _trainer.Options.LogEvery) == 0 || info.Step == info.TotalSteps)
            {
                _losses.Add((info.Step, info.Loss));
                metrics.Write(info);
            }
            if (_trainer.Options.SampleEvery > 0 && info.Step % _trainer.Options.SampleEvery == 0) SavePreview(data, info.Step);
            // The last step too, so that a run's final row scores its final weights (1,300 steps under eval_every 250 ended
            // on step 1,250's).
            if (quality is not null && (info.Step % _trainer.Options.EvalEvery == 0 || info.Step == info.TotalSteps))
            {
                var point = quality.Evaluate(info.Step, info.ImagesSeen, info.TrainGFlops);
                _quality.Add(point);
                qualityRows!.Write(point);
                var curve = QualityCurve;
                if (curve.Any(p => double.IsFinite(p.Report.FrechetDistance))) QualityCurvePlot.SavePng(curve, QualityPlotPath);
            }
        }
        _trainer.StepCompleted += OnStep;
        _trainer.Note += WriteNote;
        try
        {
            var result = _report.ProgressBar ? ConsoleProgress.Run(_trainer, () => _trainer.Train(data, cancellation)) : _trainer.Train(data, cancellation);
            // The last step's preview, unless sample_every just wrote it.
            bool previewed = _trainer.Options.SampleEvery > 0 && result.Step % _trainer.Options.SampleEvery == 0;
            if (!result.Cancelled && !previewed) SavePreview(data, result.Step);
            if (_losses.Count > 0) LossCurvePlot.SavePng(_losses, LossPlotPath);
            return result;
        }
        finally
        {
            _trainer.StepCompleted -= OnStep;
            _trainer.Note -= WriteNote;
            metrics?.Dispose();
            qualityRows?.Dispose();
        }
    }

    /// <summary>The trainer's notes (a resumed run going on with another clip or EMA), on standard error as this session's own.</summary>
    private static void WriteNote(string note) => Console.Error.WriteLine($"note: {note}");

    /// <summary>Where a fresh run moved the rows it found in one of its files (<see cref="RunRows.KeepThrough"/>), said once.</summary>
    private static void NoteEarlierRows(string path, string? earlier)
    {
        if (earlier is not null) WriteNote($"{path} held an earlier run's rows; they are kept as {earlier}");
    }

    /// <summary>The quality evaluator when EvalEvery asks for one and one can be made; otherwise null, saying why once.</summary>
    private TrainingQuality? StartQuality(IBatchSource data)
    {
        QualityUnavailable = null;
        if (_trainer.Options.EvalEvery <= 0) return null;
        var quality = TrainingQuality.Create(_trainer, _previewSampler, _report, data, out var unavailable);
        if (quality is null)
        {
            QualityUnavailable = unavailable;
            Console.Error.WriteLine($"note: {unavailable} Training goes on without quality evaluations.");
        }
        return quality;
    }

    /// <summary>A grid of samples from the EMA weights.</summary>
    public string SavePreview(IBatchSource data, long step)
    {
        var path = SamplePath(step);
        using (_trainer.Ema.Apply())
        {
            using var images = _previewSampler.Sample(_report.PreviewSampling.Count, data.Channels, data.Height, data.Width);
            SampleGrid.SavePng(images, path, scale: _report.PreviewScale);
        }
        return path;
    }
}
