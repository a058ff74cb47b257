using System;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace DiffusionDsl.Generator.Tests;

/// <summary>The generator never throws, not even when the IDE cannot give it a file's text: that is a diagnostic too.</summary>
public class UnreadableFileTests
{
    private sealed class Unreadable(string path, Exception? error) : AdditionalText
    {
        public override string Path { get; } = path;
        public override SourceText? GetText(CancellationToken cancellationToken = default) => error is null ? null : throw error;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AFileThatCannotBeReadIsReportedNotThrown(bool throws)
    {
        var driver = CSharpGeneratorDriver.Create(new[] { new MsdGenerator().AsSourceGenerator() },
            new AdditionalText[] { new Unreadable("/project/Locked.msd", throws ? new IOException("locked") : null) });
        var ran = driver.RunGeneratorsAndUpdateCompilation(GeneratorHarness.NewCompilation(), out var output, out var diagnostics);
        var error = Assert.Single(diagnostics);
        Assert.Equal("MSD0001", error.Id);
        Assert.Contains("Could not read", error.GetMessage());
        Assert.Empty(output.SyntaxTrees);
        Assert.Null(ran.GetRunResult().Results.Single().Exception);
    }
}
