using DiffusionDsl.Runtime.Checkpoints;

namespace DiffusionDsl.Runtime.Training;

/// <summary>
/// A training run's output folder and its policy: checkpoints go to <c>checkpoints/</c>, <c>ResumeFrom = "latest"</c>
/// continues from the newest of them, and a fresh run refuses a folder that holds an earlier run's checkpoints
/// (pruning keeps the highest step numbers, so a fresh run among an earlier run's files would lose its own).
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

    /// <summary>The newest checkpoint of an earlier run that a run starting here would mix with: non-null only for a fresh run (<paramref name="resumeFrom"/> null) in a folder with checkpoints.</summary>
    public string? EarlierRun(string? resumeFrom) => resumeFrom is null ? Checkpoints.Latest() : null;
}
