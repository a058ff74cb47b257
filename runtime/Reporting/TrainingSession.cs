using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Training;

namespace DiffusionDsl.Runtime.Reporting;

/// <summary>
/// Trains with everything a user expects to see: a progress bar, metrics (metrics.csv or metrics.jsonl), EMA sample
/// grids (samples/step-N.png every SampleEvery steps and at the end) and loss.png, all under TrainOptions.OutputDirectory.
/// </summary>
public sealed class TrainingSession
{
    private readonly MultistageTrainer _trainer;
    private readonly MultistageSampler _previewSampler;
    private readonly ReportOptions _report;
    private readonly List<(long Step, double Loss)> _losses = new();

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

    public TrainResult Run(IBatchSource data, CancellationToken cancellation = default)
    {
        using var metrics = new MetricsWriter(MetricsPath, _report.MetricsFormat);
        void OnStep(TrainStepInfo info)
        {
            _losses.Add((info.Step, info.Loss));
            if (info.Step % Math.Max(1, _trainer.Options.LogEvery) == 0) metrics.Write(info);
            if (_trainer.Options.SampleEvery > 0 && info.Step % _trainer.Options.SampleEvery == 0) SavePreview(data, info.Step);
        }
        _trainer.StepCompleted += OnStep;
        try
        {
            var result = _report.ProgressBar ? ConsoleProgress.Run(_trainer, () => _trainer.Train(data, cancellation)) : _trainer.Train(data, cancellation);
            if (!result.Cancelled) SavePreview(data, result.Step);
            if (_losses.Count > 0) LossCurvePlot.SavePng(_losses, LossPlotPath);
            return result;
        }
        finally
        {
            _trainer.StepCompleted -= OnStep;
        }
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
