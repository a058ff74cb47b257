using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Runtime.Checkpoints;

namespace DiffusionDsl.Runtime.Training;

/// <summary>
/// A training run's output folder and its policy: checkpoints go to <c>checkpoints/</c>, <c>ResumeFrom = "latest"</c>
/// continues from the newest of them, and a fresh run, or one resumed from elsewhere, refuses a folder that holds an
/// earlier run's checkpoints (pruning keeps the highest step numbers, so a run among an earlier run's files would lose
/// its own); so does one going back to an earlier checkpoint of its own while later ones are there.
/// The trainer and <c>msd train</c> both ask it.
/// </summary>
public sealed class RunFolder
{
    public RunFolder(string outputDirectory)
    {
        Path = outputDirectory;
        Checkpoints = new CheckpointDirectory(System.IO.Path.Combine(outputDirectory, "checkpoints"));
    }

    public string Path { get; }
    public CheckpointDirectory Checkpoints { get; }

    /// <summary>The checkpoint to continue from: <paramref name="resumeFrom"/> itself, the newest checkpoint for "latest" (null when there is none), or null for a fresh run.</summary>
    public string? ResumePoint(string? resumeFrom) => resumeFrom == "latest" ? Checkpoints.Latest() : resumeFrom;

    /// <summary>
    /// The checkpoint a run starting here from <paramref name="resumeFrom"/> would mix with, or null: the newest one of
    /// an earlier run, for a fresh run (null) or one resumed from another folder's checkpoint; or the newest one of the
    /// same run, for one going back to an earlier checkpoint of this folder. Null for "latest" and an empty folder.
    /// </summary>
    public RunFolderConflict? Conflict(string? resumeFrom)
    {
        if (resumeFrom == "latest") return null;
        var all = Checkpoints.All();
        if (all.Count == 0) return null;
        string latest = all[^1];
        if (resumeFrom is null || OwnCheckpoint(resumeFrom, all) is not { } own) return new(latest, SameRun: false);
        return own == latest ? null : new(latest, SameRun: true);
    }

    /// <summary>
    /// Which of this folder's checkpoints <paramref name="checkpoint"/> is: the same file name and the same header (the
    /// payload's length and SHA-256), so a path through a symlink, in other letter case or to a copy counts too.
    /// </summary>
    private static string? OwnCheckpoint(string checkpoint, IReadOnlyList<string> all)
    {
        var name = System.IO.Path.GetFileName(checkpoint);
        var own = all.FirstOrDefault(c => string.Equals(System.IO.Path.GetFileName(c), name, System.StringComparison.OrdinalIgnoreCase));
        return own is not null && HeaderOf(own) is { } mine && HeaderOf(checkpoint) is { } theirs && mine.SequenceEqual(theirs) ? own : null;
    }

    private static byte[]? HeaderOf(string path)
    {
        try
        {
            using var file = System.IO.File.OpenRead(path);
            var header = new byte[CheckpointFile.HeaderLength];
            return file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length ? header : null;
        }
        catch (System.Exception e) when (e is System.IO.IOException or System.UnauthorizedAccessException) { return null; }
    }
}

/// <summary>A checkpoint a run would mix with: an earlier run's, or (<paramref name="SameRun"/>) a later one of its own run.</summary>
public sealed record RunFolderConflict(string Checkpoint, bool SameRun);
