using System;
using System.IO;

namespace DiffusionDsl.Cli.Tests;

/// <summary>tests/Fixtures/TinyModels, built with this test project: an assembly holding the generated TinyGray and TinyColor.</summary>
internal static class TinyModelsAssembly
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    public static string Path { get; } = Find();

    /// <summary>The .msd source of one of its models (TinyGray, TinyColor).</summary>
    public static string Source(string model) =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, "..", "..", "..", "..", model + ".msd");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var project = System.IO.Path.Combine(dir.FullName, "tests", "Fixtures", "TinyModels");
            if (Directory.Exists(project))
                return System.IO.Path.Combine(project, "bin", Configuration, "net10.0", "linux-x64", "TinyModels.dll");
        }
        throw new DirectoryNotFoundException("tests/Fixtures/TinyModels not found above " + AppContext.BaseDirectory);
    }
}
