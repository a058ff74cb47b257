using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using DiffusionDsl.Runtime.Training;

namespace DiffusionDsl.Runtime.Reporting;

public enum MetricsFormat { Csv, JsonLines }

/// <summary>
/// Writes one row per logged step: step, loss, learning rate, elapsed seconds, training images seen, training GFLOPs
/// (empty when the model has no cost table) and the loss of each stage.
/// </summary>
public sealed class MetricsWriter : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly MetricsFormat _format;
    private bool _headerWritten;

    /// <param name="continuesFromStep">
    /// The step the run goes on from: rows past it (written by a run that died before its next checkpoint) are dropped,
    /// and 0 (a fresh run) starts the file anew. Null appends to whatever is there.
    /// </param>
    public MetricsWriter(string path, MetricsFormat? format = null, long? continuesFromStep = null)
    {
        _format = format ?? (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? MetricsFormat.Csv : MetricsFormat.JsonLines);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (continuesFromStep is { } from) KeptEarlierAs = RunRows.KeepThrough(path, from, _format == MetricsFormat.Csv);
        bool appending = File.Exists(path) && new FileInfo(path).Length > 0;
        _writer = new StreamWriter(path, append: true) { AutoFlush = true };
        _headerWritten = appending;
    }

    /// <summary>Where a fresh run moved the rows it found in the file (another run's record), or null.</summary>
    public string? KeptEarlierAs { get; }

    public void Write(TrainStepInfo info)
    {
        if (_format == MetricsFormat.Csv) WriteCsv(info); else WriteJson(info);
    }

    private void WriteCsv(TrainStepInfo info)
    {
        if (!_headerWritten)
        {
            _writer.WriteLine("step,loss,learning_rate,elapsed_s,images_seen,train_gflops," + string.Join(",", info.StageLosses.Select((_, k) => $"loss_stage{k}")));
            _headerWritten = true;
        }
        var values = new[]
            {
                info.Step.ToString(CultureInfo.InvariantCulture), Number(info.Loss), Number(info.LearningRate), Number(ElapsedSeconds(info)),
                info.ImagesSeen.ToString(CultureInfo.InvariantCulture), TrainGFlops(info) is double gflops ? Number(gflops) : "",
            }
            .Concat(info.StageLosses.Select(l => double.IsNaN(l) ? "" : Number(l)));
        _writer.WriteLine(string.Join(",", values));
    }

    private void WriteJson(TrainStepInfo info)
    {
        var row = new
        {
            step = info.Step,
            loss = info.Loss,
            learning_rate = info.LearningRate,
            elapsed_s = ElapsedSeconds(info),
            images_seen = info.ImagesSeen,
            train_gflops = TrainGFlops(info),
            stage_losses = info.StageLosses.Select(l => double.IsNaN(l) ? (double?)null : l).ToArray(),
        };
        _writer.WriteLine(JsonSerializer.Serialize(row));
    }

    // A resumed run's rows go on from the time its checkpoint kept, as its steps and images seen do.
    private static double ElapsedSeconds(TrainStepInfo info) => (info.RunElapsed ?? info.Elapsed).TotalSeconds;

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Training GFLOPs to 1e-9: a sum of per-image costs, whose float noise (0.35760000000000003) says nothing.</summary>
    private static double? TrainGFlops(TrainStepInfo info) => info.TrainGFlops is double gflops ? Math.Round(gflops, 9) : null;

    public void Dispose() => _writer.Dispose();
}
