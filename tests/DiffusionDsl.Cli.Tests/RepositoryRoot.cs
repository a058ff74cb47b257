using System;
using System.IO;

namespace DiffusionDsl.Cli.Tests;

/// <summary>The repository the tests run from (the folder holding DiffusionDsl.sln above the test assembly).</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "DiffusionDsl.sln"))) return dir.FullName;
        throw new InvalidOperationException("the tests run outside the repository");
    }
}
