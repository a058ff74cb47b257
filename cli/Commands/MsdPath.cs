using System.IO;

namespace DiffusionDsl.Cli.Commands;

/// <summary>Why a path given as an .msd file cannot be read as one, or null when it is a file.</summary>
internal static class MsdPath
{
    public static string? Problem(string path) =>
        File.Exists(path) ? null
        : Directory.Exists(path) ? "a folder, not an .msd file."
        : "no such file.";
}
