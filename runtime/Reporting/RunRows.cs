using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

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
