using System.Linq;
using Microsoft.CodeAnalysis;

namespace DiffusionDsl.Generator.Tests;

/// <summary>Hint names name the generated files (obj/generated, IDE tabs, deterministic builds): the same on every machine, and unique.</summary>
public class HintNameTests
{
    private static GeneratorRunResult Generate(string? projectDir, params (string Path, string Text)[] files)
    {
        var driver = GeneratorHarness.NewDriver(projectDir, files).RunGenerators(GeneratorHarness.NewCompilation());
        var result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        return result;
    }

    private static string HintName(string projectDir, string path) =>
        Assert.Single(Generate(projectDir, (path, GeneratorHarness.ReadModel("TinyMultistage.msd"))).GeneratedSources).HintName;

    [Fact]
    public void TheSameProjectCheckedOutAtTwoPlacesGivesTheSameHintName()
    {
        var alice = HintName("/home/alice/src/proj/", "/home/alice/src/proj/Models/TinyMultistage.msd");
        Assert.Equal(alice, HintName("/build/agent/_work/7/s/proj/", "/build/agent/_work/7/s/proj/Models/TinyMultistage.msd"));
        Assert.Equal(alice, HintName(@"C:\src\proj\", @"C:\src\proj\Models\TinyMultistage.msd"));
        Assert.StartsWith("TinyMultistage.", alice);
        Assert.EndsWith(".msd.g.cs", alice);
    }

    [Fact]
    public void AFileOutsideTheProjectFolderIsNamedByItsPathFromTheProject() =>
        Assert.Equal(HintName("/home/alice/src/proj/", "/home/alice/src/shared/TinyMultistage.msd"), HintName("/ci/s/proj", "/ci/s/shared/TinyMultistage.msd"));

    [Fact]
    public void MovingTheFileWithinTheProjectChangesTheHintName() =>
        Assert.NotEqual(HintName("/p/", "/p/a/TinyMultistage.msd"), HintName("/p/", "/p/b/TinyMultistage.msd"));

    [Theory]
    [InlineData("/p/")]
    [InlineData(null)]
    public void TwoFilesOfTheSameNameInDifferentFoldersBothGenerate(string? projectDir)
    {
        var result = Generate(projectDir,
            ("/p/a/Model.msd", GeneratorHarness.ReadModel("TinyMultistage.msd")),
            ("/p/b/Model.msd", GeneratorHarness.ReadModel("EdmFullForm.msd")));
        Assert.Empty(result.Diagnostics);
        Assert.Equal(2, result.GeneratedSources.Length);
        Assert.Equal(2, result.GeneratedSources.Select(s => s.HintName).Distinct().Count());
    }

    /// <summary>The same file listed twice as AdditionalFiles (a glob and an explicit item): one model, not a duplicate-hint crash.</summary>
    [Fact]
    public void AFileListedTwiceGeneratesOnceWithoutThrowing()
    {
        var text = GeneratorHarness.ReadModel("TinyMultistage.msd");
        var driver = GeneratorHarness.NewDriver("/p/", ("/p/Tiny.msd", text), ("/p/Tiny.msd", text))
            .RunGenerators(GeneratorHarness.NewCompilation());
        var result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        Assert.Single(result.GeneratedSources);
        Assert.Empty(result.Diagnostics);
    }
}
