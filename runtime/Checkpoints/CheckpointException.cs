using System;

namespace DiffusionDsl.Runtime.Checkpoints;

/// <summary>A checkpoint that cannot be used: missing, truncated, corrupt, or written for another model. The message names the first problem.</summary>
public sealed class CheckpointException : Exception
{
    public string Path { get; }

    public CheckpointException(string path, string problem, Exception? inner = null)
        : base($"Checkpoint '{path}': {problem}", inner) => Path = path;
}
