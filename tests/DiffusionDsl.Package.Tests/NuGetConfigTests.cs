using System.IO;
using System.Xml.Linq;
using System.Linq;

namespace DiffusionDsl.Package.Tests;

/// <summary>examples/nuget.config adds only the local feed and maps the rest to the "nuget.org" key that the
/// user-level configuration defines: no registry address in the repo, and no &lt;clear/&gt; that would drop a mirror.</summary>
public class NuGetConfigTests
{
    [Fact]
    public void ExamplesConfigNamesNoRegistryAddress()
    {
        var path = Path.Combine(LocalFeed.RepoRoot!, "examples", "nuget.config");
        var config = XDocument.Load(path);
        var sources = config.Root!.Element("packageSources")!;
        Assert.Empty(sources.Elements("clear"));
        var added = sources.Elements("add").Select(a => (Key: (string)a.Attribute("key")!, Value: (string)a.Attribute("value")!)).ToList();
        Assert.Equal(new[] { ("local", "../artifacts/feed") }, added);
        Assert.DoesNotContain("://", File.ReadAllText(path));
        var mapped = config.Root.Element("packageSourceMapping")!.Elements("packageSource").Select(s => (string)s.Attribute("key")!);
        Assert.Equal(new[] { "local", "nuget.org" }, mapped);
    }
}
