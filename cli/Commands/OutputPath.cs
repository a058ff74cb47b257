using System;
using System.IO;

namespace DiffusionDsl.Cli.Commands;

/// <summary>Refuses an output path that cannot be written as asked, before the work that would fill it.</summary>
internal static class OutputPath
{
    /// <param name="extension">The one extension the file's format has (".png"), or null for any.</param>
    /// <param name="inputs">The files the command reads (option and path): writing over one of them would destroy it.</param>
    public static void Check(string? path, string option, string? extension = null, params (string Option, string? Path)[] inputs)
    {
        if (path is null) return;
        if (path.Length == 0) throw new ArgumentException($"{option} is empty; give the file to write.");
        if (Directory.Exists(path))
            throw new ArgumentException($"{option} {path} is a folder; give a file in it, such as {Path.Combine(path, "out" + (extension ?? ""))}.");
        // Destroying an input is the graver mistake: it is named even where the extension is also wrong.
        foreach (var (input, inputPath) in inputs)
            if (inputPath is not null && SameFile(path, inputPath))
                throw new ArgumentException($"{option} {path} is the {input} file this command reads; writing it would destroy it. Give another {option}.");
        // A device (/dev/stdout) takes the output whatever its name, as it did before outputs were held to their extension.
        if (extension is not null && !path.EndsWith(extension, StringComparison.OrdinalIgnoreCase) && !path.StartsWith("/dev/", StringComparison.Ordinal))
            throw new ArgumentException($"{option} {path}: the file is written as {Format(extension)}; name it {extension}.");
        RequireNoFileAbove(path, option);
        if (path.StartsWith("/dev/", StringComparison.Ordinal)) return;
        if (File.Exists(path) && (File.GetAttributes(path) & FileAttributes.ReadOnly) != 0)
            throw new ArgumentException($"{option} {path} is read-only; give another {option} or make it writable.");
        RequireWritableFolder(path, option);
    }

    /// <summary>
    /// Creates (and at once deletes) a file in the nearest existing folder of <paramref name="path"/>: a folder that
    /// cannot be written fails now, naming the option, not after the sampling or scoring that the output would hold.
    /// </summary>
    private static void RequireWritableFolder(string path, string option)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        while (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder)) folder = Path.GetDirectoryName(folder);
        if (string.IsNullOrEmpty(folder)) return;
        try
        {
            using var probe = new FileStream(Path.Combine(folder, $".msd-write-check-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.Write,
                                             FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{option} {path}: nothing can be written in {folder} ({e.Message}); give another {option}.");
        }
    }

    /// <summary>Refuses an output folder that is a file, or lies under one, before the work that would fill it.</summary>
    public static void CheckFolder(string? path, string option, string what)
    {
        if (path is null) return;
        if (path.Length == 0) throw new ArgumentException($"{option} is empty; give {what}.");
        if (File.Exists(path)) throw new ArgumentException($"{option} {path} is a file; give {what}.");
        RequireNoFileAbove(path, option);
    }

    private static void RequireNoFileAbove(string path, string option)
    {
        for (var folder = Path.GetDirectoryName(Path.GetFullPath(path)); !string.IsNullOrEmpty(folder); folder = Path.GetDirectoryName(folder))
        {
            if (File.Exists(folder)) throw new ArgumentException($"{option} {path}: {folder} is a file, so nothing can be written under it.");
            if (Directory.Exists(folder)) break;
        }
    }

    private static string Format(string extension) => extension.TrimStart('.') switch
    {
        "safetensors" => "safetensors",
        var name => name.ToUpperInvariant(),
    };

    private static bool SameFile(string a, string b) =>
        string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
