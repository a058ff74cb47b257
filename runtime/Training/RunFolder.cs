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

    /// <summary>The file a training process holds, exclusively, for as long as it trains here.</summary>
    public const string LockFileName = ".msd-train.lock";

    /// <summary>
    /// Holds the folder for one training process until disposed: a second run into it, started before this one ends (a
    /// second terminal, a scheduler's retry), is refused instead of mixing its metrics, samples and checkpoints with this
    /// one's. The lock is the operating system's on an open file (flock on Unix), so a run that dies leaves none behind.
    /// </summary>
    /// <exception cref="System.IO.IOException">Another process (or another trainer of this one) trains here now.</exception>
    public System.IDisposable Lock()
    {
        System.IO.Directory.CreateDirectory(Path);
        var path = System.IO.Path.Combine(Path, LockFileName);
        try
        {
            return new System.IO.FileStream(path, System.IO.FileMode.OpenOrCreate, System.IO.FileAccess.ReadWrite, System.IO.FileShare.None, 1,
                                            System.IO.FileOptions.DeleteOnClose);
        }
        catch (System.IO.IOException e)
        {
            throw new System.IO.IOException($"{Path} is being trained by another run now ({LockFileName} is held): wait for it to end, " +
                                            "or train into another output folder.", e);
        }
    }

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
