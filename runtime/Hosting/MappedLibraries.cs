using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace DiffusionDsl.Runtime.Hosting;

/// <summary>The shared libraries this process has mapped (Linux's /proc/self/maps; empty elsewhere).</summary>
public static class MappedLibraries
{
    /// <summary>Every mapped file's path, once each, in map order.</summary>
    public static IReadOnlyList<string> Paths() =>
        File.Exists("/proc/self/maps")
            ? File.ReadLines("/proc/self/maps").Select(PathOf).Where(p => p.StartsWith('/')).Distinct().ToList()
            : Array.Empty<string>();

    /// <summary>The first mapped library whose file name starts with <paramref name="prefix"/> (libtorch_cpu.so, .so.2.14, ...).</summary>
    public static string? Named(string prefix) =>
        Paths().FirstOrDefault(p => Path.GetFileName(p).StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>The path field of a maps line: the sixth, which may hold spaces; "" for anonymous mappings.</summary>
    private static string PathOf(string line)
    {
        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 6) return "";
        var path = fields[5].Trim();
        return path.EndsWith(" (deleted)", StringComparison.Ordinal) ? path[..^" (deleted)".Length] : path;
    }
}
