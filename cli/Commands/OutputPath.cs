using System;
using System.IO;

namespace DiffusionDsl.Cli.Commands;

/// <summary>Refuses an output path that cannot be written as asked, before the work that would fill it.</summary>
internal static class OutputPath
{
    /// <param name="extension">The one extension the file's format has (".png"), or null for any.</param>
    public static void Check(string? path, string option, string? extension = null)
    {
        if (path is null) return;
        if (Directory.Exists(path))
            throw new ArgumentException($"{option} {path} is a folder; give a file in it, such as {Path.Combine(path, "out" + (extension ?? ""))}.");
        if (extension is not null && !path.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"{option} {path}: the file is written as {extension.TrimStart('.').ToUpperInvariant()}; name it {extension}.");
    }
}
