using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace DiffusionDsl.Generator.Tests;

/// <summary>
/// Approved-file snapshots of generated source. On a mismatch the new output is written beside the
/// approved file as .received.cs; review it and rename it to .approved.cs to accept the change.
/// </summary>
public class SnapshotTests
{
    [Theory]
    [InlineData("TinyMultistage")]
    [InlineData("EdmFullForm")]
    [InlineData("Cifar10Multistage")]
    public void GeneratedSourceMatchesTheApprovedSnapshot(string model) =>
        MatchesSnapshot(model, GeneratedFile.From(new MsdSource($"/project/{model}.msd", GeneratorHarness.ReadModel(model + ".msd")), null));

    /// <summary>The stand-ins for a model with errors (a syntax error here: the state of a file being typed).</summary>
    [Fact]
    public void StandInsMatchTheApprovedSnapshot()
    {
        var text = GeneratorHarness.ReadModel("TinyMultistage.msd").Replace("dropout 0.1 ", "dropout 0.1 }");
        var generated = GeneratedFile.From(new MsdSource("/project/TinyMultistage.msd", text), null);
        Assert.True(generated.HasErrors);
        MatchesSnapshot("TinyMultistage.stand-ins", generated);
    }

    private static void MatchesSnapshot(string model, GeneratedFile generated)
    {
        Assert.NotNull(generated.Source);
        var folder = Path.Combine(SourceFolder(), "Snapshots");
        var approved = Path.Combine(folder, model + ".approved.cs");
        var received = Path.Combine(folder, model + ".received.cs");
        var expected = File.Exists(approved) ? File.ReadAllText(approved).Replace("\r\n", "\n") : null;
        if (expected == generated.Source)
        {
            if (File.Exists(received)) File.Delete(received);
            return;
        }
        File.WriteAllText(received, generated.Source);
        Assert.Fail(expected is null
            ? $"No approved snapshot for {model}; review {received} and rename it to {Path.GetFileName(approved)}."
            : $"Generated source for {model} changed; compare {received} with {approved}.");
    }

    /// <summary>The hash a generated model's checkpoints carry is the model's (<see cref="Language.ModelHash"/>), not its text's: a comment keeps it.</summary>
    [Fact]
    public void TheGeneratedHashIsTheModelsAndACommentKeepsIt()
    {
        var text = GeneratorHarness.ReadModel("TinyMultistage.msd");
        var hash = Language.ModelHash.Of(Language.MsdCompiler.Compile(text).Model!);
        foreach (var variant in new[] { text, "// edited: a comment only\n" + text })
            Assert.Contains($"public const string SourceHash = \"{hash}\";", GeneratedFile.From(new MsdSource("/project/TinyMultistage.msd", variant), null).Source);
    }

    private static string SourceFolder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
