using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace DiffusionDsl.Runtime.Checkpoints;

/// <summary>Numbered checkpoints <c>step-00001000.ckpt</c> in one folder: the newest, and pruning to the last N.</summary>
public sealed class CheckpointDirectory
{
    public string Path { get; }

    public CheckpointDirectory(string path) => Path = path;

    public string FileFor(long step) => System.IO.Path.Combine(Path, $"step-{step:D8}.ckpt");

    public IReadOnlyList<string> All() =>
        Directory.Exists(Path)
            ? Directory.GetFiles(Path, "step-*.ckpt").OrderBy(f => f, System.StringComparer.Ordinal).ToList()
            : new List<string>();

    public string? Latest() => All().LastOrDefault();

    public void KeepLast(int count)
    {
        if (count <= 0) return;
        var files = All();
        foreach (var old in files.Take(files.Count - count)) File.Delete(old);
    }
}
