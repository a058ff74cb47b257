using System;

namespace DiffusionDsl.Runtime.Checkpoints;

/// <summary>A checkpoint that cannot be used: missing, truncated, corrupt, or written for another model. The message names the first problem.</summary>
public sealed class CheckpointException : Exception
{
    public string Path { get; }

    /// <summary>The message without the file: for a caller that names the file by the option it came from.</summary>
    public string Problem { get; }

    public CheckpointException(string path, string problem, Exception? inner = null)
        : base($"Checkpoint '{path}': {problem}", inner) => (Path, Problem) = (path, problem);
}
