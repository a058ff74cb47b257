using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace DiffusionDsl.Runtime.Reporting;

/// <summary>
/// Appends one row per quality evaluation (quality.csv, or quality.jsonl beside metrics.jsonl): step, images seen,
/// training GFLOPs, generated and reference counts, feature space, FD, precision, recall, density, coverage, the class
/// entropy (for a classifier's feature space) and the evaluation's seconds. An empty cell where a value is unknown
/// (GFLOPs without a cost table, entropy without a classifier); NaN where a metric was not measured (precision/recall
/// need more than 3 images on each side, density/coverage more than 5) or is not finite. JSON writes null for both.
/// </summary>
public sealed class QualityWriter : IDisposable
{
    public const string CsvHeader =
        "step,images_seen,train_gflops,count,reference_count,feature_space,fd,precision,recall,density,coverage,class_entropy,eval_s";

    private readonly StreamWriter _writer;
    private readonly MetricsFormat _format;
    private bool _headerWritten;

    /// <param name="continuesFromStep">
    /// The step the run goes on from: rows past it (evaluations of a run that died before its next checkpoint, which the
    /// resumed run makes again) are dropped, and 0 (a fresh run) starts the file anew. Null appends to whatever is there.
    /// </param>
    public QualityWriter(string path, MetricsFormat? format = null, long? continuesFromStep = null)
    {
        _format = format ?? (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? MetricsFormat.Csv : MetricsFormat.JsonLines);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (continuesFromStep is { } from) KeptEarlierAs = RunRows.KeepThrough(path, from, _format == MetricsFormat.Csv);
        _headerWritten = File.Exists(path) && new FileInfo(path).Length > 0;
        _writer = new StreamWriter(path, append: true) { AutoFlush = true };
    }

    /// <summary>Where a fresh run moved the rows it found in the file (another run's record), or null.</summary>
    public string? KeptEarlierAs { get; }

    public void Write(QualityPoint point)
    {
        var r = point.Report;
        if (_format == MetricsFormat.JsonLines)
        {
            var row = new
            {
                step = point.Step,
                images_seen = point.ImagesSeen,
                train_gflops = point.TrainGFlops,
                count = r.Count,
                reference_count = r.ReferenceCount,
                feature_space = r.FeatureSpace,
                fd = Finite(r.FrechetDistance),
                precision = Finite(r.Precision),
                recall = Finite(r.Recall),
                density = Finite(r.Density),
                coverage = Finite(r.Coverage),
                class_entropy = r.ClassEntropy,
                class_histogram = r.ClassHistogram,
                eval_s = point.Duration.TotalSeconds,
            };
            _writer.WriteLine(JsonSerializer.Serialize(row));
            return;
        }
        if (!_headerWritten)
        {
            _writer.WriteLine(CsvHeader);
            _headerWritten = true;
        }
        var cells = new[]
        {
            point.Step.ToString(CultureInfo.InvariantCulture), point.ImagesSeen.ToString(CultureInfo.InvariantCulture), Number(point.TrainGFlops),
            r.Count.ToString(CultureInfo.InvariantCulture), r.ReferenceCount.ToString(CultureInfo.InvariantCulture), Text(r.FeatureSpace),
            Number(r.FrechetDistance), Number(r.Precision), Number(r.Recall), Number(r.Density), Number(r.Coverage), Number(r.ClassEntropy),
            Number(point.Duration.TotalSeconds),
        };
        _writer.WriteLine(string.Join(",", cells));
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static string Number(double? value) => value is double v ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    /// <summary>A CSV cell: quoted when it holds a comma, quote or line break.</summary>
    private static string Text(string value) =>
        value.IndexOfAny(new[] { ',', '"', '\n', '\r' }) < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";

    public void Dispose() => _writer.Dispose();
}
