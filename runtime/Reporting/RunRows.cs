using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using DiffusionDsl.Runtime.Evaluation;

namespace DiffusionDsl.Runtime.Reporting;

/// <summary>
/// The rows a run's CSV or JSON-lines file (metrics, quality) keeps when a run goes on from a step: those through it. Rows
/// past it were written by a run that died before its next checkpoint, and a run resumed there writes them again.
/// </summary>
internal static class RunRows
{
    /// <summary>
    /// Drops the rows past <paramref name="step"/>. A fresh run (at 0) finding rows there keeps them, as another run's
    /// record, under a name of their own beside it (metrics.earlier-20261128-040512.csv), and starts the file anew;
    /// returns that name, else null.
    /// </summary>
    public static string? KeepThrough(string path, long step, bool csv)
    {
        if (!File.Exists(path)) return null;
        var lines = File.ReadAllLines(path);
        if (step == 0 && lines.Any(line => StepOf(line, csv) is not null))
        {
            string stem = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!,
                $"{System.IO.Path.GetFileNameWithoutExtension(path)}.earlier-{DateTime.Now:yyyyMMdd-HHmmss}");
            string earlier = stem + System.IO.Path.GetExtension(path);
            for (int n = 2; File.Exists(earlier); n++) earlier = $"{stem}-{n}{System.IO.Path.GetExtension(path)}";
            File.Move(path, earlier);
            return earlier;
        }
        var kept = lines.Where((line, i) => csv && i == 0 ? step > 0 : StepOf(line, csv) is { } s && s <= step).ToArray();
        if (kept.Length == (csv ? 1 : 0)) kept = Array.Empty<string>();
        if (kept.Length == lines.Length) return null;
        // Through a temporary file and a rename: a full disk or a kill mid-write leaves the old rows, not half of them.
        Checkpoints.AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
            foreach (var line in kept) writer.WriteLine(line);
        });
        return null;
    }

    /// <summary>
    /// A metrics file's (step, loss) rows, for a resumed run's loss curve: the whole run's, not only this session's. Rows
    /// that do not read (a header, a cut line) are skipped.
    /// </summary>
    public static List<(long Step, double Loss)> Losses(string path, bool csv)
    {
        var losses = new List<(long, double)>();
        foreach (var cells in Rows(path, csv))
            if (Long(cells, "step") is long step && Double(cells, "loss") is double loss) losses.Add((step, loss));
        return losses;
    }

    /// <summary>A quality file's rows as the FD curve plots them (step, images seen, GFLOPs, count, feature space and FD).</summary>
    public static List<QualityPoint> QualityPoints(string path, bool csv)
    {
        var points = new List<QualityPoint>();
        foreach (var cells in Rows(path, csv))
        {
            if (Long(cells, "step") is not long step || Long(cells, "images_seen") is not long seen || Long(cells, "count") is not long count) continue;
            var report = new QualityReport((int)count, (int)(Long(cells, "reference_count") ?? 0), cells.TryGetValue("feature_space", out var space) ? space ?? "" : "",
                                           Double(cells, "fd") ?? double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, null, null);
            points.Add(new QualityPoint(step, seen, Double(cells, "train_gflops"), report, TimeSpan.Zero));
        }
        return points;
    }

    /// <summary>Each row as column name to cell text (null for an empty cell or a JSON null).</summary>
    private static IEnumerable<Dictionary<string, string?>> Rows(string path, bool csv)
    {
        if (!File.Exists(path)) yield break;
        string[]? header = null;
        // Shared for writing: the session's writer holds the file open (Windows refuses a second open that does not allow it).
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        for (string? line; (line = reader.ReadLine()) is not null;)
        {
            if (csv)
            {
                var cells = CsvCells(line);
                if (header is null) { header = cells; continue; }
                yield return header.Select((name, i) => (name, value: i < cells.Length && cells[i].Length > 0 ? cells[i] : null))
                                   .ToDictionary(c => c.name, c => c.value);
                continue;
            }
            Dictionary<string, string?>? row = null;
            try
            {
                using var json = JsonDocument.Parse(line);
                if (json.RootElement.ValueKind == JsonValueKind.Object)
                    row = json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind switch
                    {
                        JsonValueKind.Null => null,
                        JsonValueKind.String => p.Value.GetString(),
                        _ => p.Value.GetRawText(),
                    });
            }
            catch (JsonException) { }
            if (row is not null) yield return row;
        }
    }

    /// <summary>A CSV line's cells, quoted cells unquoted (QualityWriter quotes a feature space with a comma in it).</summary>
    private static string[] CsvCells(string line)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
            else if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(c);
        }
        cells.Add(cell.ToString());
        return cells.ToArray();
    }

    private static long? Long(Dictionary<string, string?> row, string name) =>
        row.TryGetValue(name, out var text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) ? value : null;

    private static double? Double(Dictionary<string, string?> row, string name) =>
        row.TryGetValue(name, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : null;

    /// <summary>A row's step (the CSV's first column, the JSON's "step"); null for a line that is not a row.</summary>
    private static long? StepOf(string line, bool csv)
    {
        if (csv) return long.TryParse(line.Split(',')[0], NumberStyles.None, CultureInfo.InvariantCulture, out long step) ? step : null;
        try
        {
            using var row = JsonDocument.Parse(line);
            return row.RootElement.TryGetProperty("step", out var value) && value.TryGetInt64(out long step) ? step : null;
        }
        catch (JsonException) { return null; }
    }
}
