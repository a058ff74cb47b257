using System.IO;

namespace DiffusionDsl.Runtime.Checkpoints;

/// <summary>Why a checkpoint path cannot be opened, said for what is there.</summary>
public static class CheckpointPaths
{
    public static string Missing(string path) =>
        !Directory.Exists(path) ? "file not found."
        : File.Exists(Path.Combine(path, "ema.safetensors"))
            ? $"a folder (a train.py checkpoint): give the file in it, {Path.Combine(path, "ema.safetensors")} (or model.safetensors)."
            : "a folder, not a checkpoint file.";
}
