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
    /// The newest checkpoint of an earlier run that a run starting here would mix with: for a fresh run
    /// (<paramref name="resumeFrom"/> null), and for one resumed from a checkpoint of another folder, in a folder with
    /// checkpoints. Null for "latest" and for a checkpoint of this folder (see <see cref="LaterCheckpoint"/>).
    /// </summary>
    public string? EarlierRun(string? resumeFrom) =>
        resumeFrom == "latest" || (resumeFrom is not null && IsOwn(resumeFrom)) ? null : Checkpoints.Latest();

    /// <summary>
    /// For a run resumed from one of this folder's own checkpoints, the newest checkpoint after it: going back to an
    /// earlier step among the abandoned steps' checkpoints would mix the two (pruning keeps the highest steps, so the
    /// resumed run's own checkpoints would be the ones deleted). Null when <paramref name="resumeFrom"/> is the newest.
    /// </summary>
    public string? LaterCheckpoint(string? resumeFrom)
    {
        if (resumeFrom is null or "latest" || !IsOwn(resumeFrom)) return null;
        var latest = Checkpoints.Latest();
        return latest is not null && string.CompareOrdinal(System.IO.Path.GetFileName(latest), System.IO.Path.GetFileName(resumeFrom)) > 0 ? latest : null;
    }

    /// <summary>
    /// Whether <paramref name="checkpoint"/> is one of this folder's checkpoints: the same file name and the same header
    /// (the payload's length and SHA-256), so a path through a symlink, in other letter case or to a copy counts too.
    /// </summary>
    private bool IsOwn(string checkpoint)
    {
        var name = System.IO.Path.GetFileName(checkpoint);
        var own = Checkpoints.All().FirstOrDefault(c => string.Equals(System.IO.Path.GetFileName(c), name, System.StringComparison.OrdinalIgnoreCase));
        return own is not null && HeaderOf(own) is { } mine && HeaderOf(checkpoint) is { } theirs && mine.SequenceEqual(theirs);
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
