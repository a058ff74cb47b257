using System;
using System.IO;
using System.Linq;

namespace DiffusionDsl.Package.Tests;

/// <summary>artifacts/feed of this checkout, where scripts/pack.sh puts the packages.</summary>
internal static class LocalFeed
{
    public static string? RepoRoot { get; } = FindRepoRoot();

    public const string SkipReason = "No packages in artifacts/feed: run scripts/pack.sh first (this test restores them from there).";

    public static string? Folder => RepoRoot is null ? null : Path.Combine(RepoRoot, "artifacts", "feed");

    /// <summary>The version of the packed DiffusionDsl.Generator, or null when the feed lacks any of the three packages.</summary>
    public static string? Version
    {
        get
        {
            if (Folder is null || !Directory.Exists(Folder)) return null;
            var generator = Directory.GetFiles(Folder, "DiffusionDsl.Generator.*.nupkg").Select(Path.GetFileNameWithoutExtension).FirstOrDefault();
            if (generator is null) return null;
            var version = generator!["DiffusionDsl.Generator.".Length..];
            bool complete = new[] { "DiffusionDsl.Runtime", "DiffusionDsl" }.All(id => File.Exists(Path.Combine(Folder, $"{id}.{version}.nupkg")));
            return complete ? version : null;
        }
    }

    /// <summary>Whether the feed holds package <paramref name="id"/> at the version of the three library packages.</summary>
    public static bool Has(string id) => Version is { } version && File.Exists(Path.Combine(Folder!, $"{id}.{version}.nupkg"));

    /// <summary>Whether the feed has packages at all, and <paramref name="package"/> among them when one is named.</summary>
    public static bool Ready(string? package) => package is null ? Version is not null : Has(package);

    /// <summary>A nuget.config like examples/nuget.config: DiffusionDsl.* from <paramref name="feed"/>, the rest from the
    /// "nuget.org" source that the user-level configuration defines (no registry address written here).</summary>
    public static string NuGetConfig(string feed) => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <add key="local" value="{feed}" />
          </packageSources>
          <packageSourceMapping>
            <packageSource key="local">
              <package pattern="DiffusionDsl" />
              <package pattern="DiffusionDsl.*" />
            </packageSource>
            <packageSource key="nuget.org">
              <package pattern="*" />
            </packageSource>
          </packageSourceMapping>
        </configuration>
        """;

    private static string? FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DiffusionDsl.sln"))) return dir.FullName;
        return null;
    }
}

/// <summary>
/// A fact that skips, saying why, when scripts/pack.sh has not filled the local feed, or, given a package id, when the
/// feed lacks that package.
/// </summary>
public sealed class FeedFactAttribute : FactAttribute
{
    public FeedFactAttribute(string? package = null)
    {
        if (!LocalFeed.Ready(package)) Skip = LocalFeed.SkipReason;
    }
}

/// <summary>The theory form of <see cref="FeedFactAttribute"/>.</summary>
public sealed class FeedTheoryAttribute : TheoryAttribute
{
    public FeedTheoryAttribute(string? package = null)
    {
        if (!LocalFeed.Ready(package)) Skip = LocalFeed.SkipReason;
    }
}
