using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace DiffusionDsl.Runtime.Checkpoints;

/// <summary>
/// Numbered checkpoints <c>step-00001000.ckpt</c> in one folder: the newest, and pruning to the last N. Only names of
/// exactly that form are the trainer's, in the order of their steps: a copy the user made beside them
/// (<c>step-00005000-keep.ckpt</c>, <c>step-best.ckpt</c>) is neither the latest nor ever deleted.
/// </summary>
public sealed partial class CheckpointDirectory
{
    public string Path { get; }

    public CheckpointDirectory(string path) => Path = path;

    public string FileFor(long step) => System.IO.Path.Combine(Path, $"step-{step:D8}.ckpt");

    /// <summary>The step a checkpoint of the trainer's is named for; null for any other file name.</summary>
    public static long? StepOf(string path) =>
        OwnName().Match(System.IO.Path.GetFileName(path)) is { Success: true } match
        && long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long step) ? step : null;

    /// <summary>The trainer's checkpoints, oldest step first.</summary>
    public IReadOnlyList<string> All() =>
        Directory.Exists(Path)
            ? Directory.GetFiles(Path, "step-*.ckpt").Select(f => (File: f, Step: StepOf(f))).Where(c => c.Step is not null)
                       .OrderBy(c => c.Step).Select(c => c.File).ToList()
            : new List<string>();

    public string? Latest() => All().LastOrDefault();

    /// <summary>Deletes all but the last <paramref name="count"/> of the trainer's checkpoints; returns a note for each it could not delete.</summary>
    public IReadOnlyList<string> KeepLast(int count)
    {
        var notes = new List<string>();
        if (count <= 0) return notes;
        var files = All();
        foreach (var old in files.Take(files.Count - count))
        {
            try
            {
                File.Delete(old);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                notes.Add($"could not delete the old checkpoint {old} ({e.Message}); training goes on");
            }
        }
        return notes;
    }

    [GeneratedRegex(@"^step-(\d{8,18})\.ckpt$")]
    private static partial Regex OwnName();
}
