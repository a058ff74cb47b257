using System;
using System.IO;
using System.Text;
using DiffusionDsl.Data.Tests.Data;
using DiffusionDsl.Language.Editing;
using DiffusionDsl.Tests.Shared;

namespace DiffusionDsl.Data.Tests.Clustering;

public class MsdStagesRewriterTests
{
    private const string Before =
        "// paper configuration; stages { fake [0, 0.5) } in a comment\r\n" +
        "model cifar {\n" +
        "  encoder 128\n" +
        "  stages {\n" +
        "    # near the data: the wide decoder\n" +
        "    low   [0,    0.4420)   // t1 from Algorithm 1\r\n" +
        "    mid [ 0.4420 , 0.6308 )\n" +
        "\tnoise [0.6308, 1]   # identity-like\n" +
        "  }\n" +
        "  decoders 192 128 16 // [0.1, 0.2)\n" +
        "}\n";

    private const string After =
        "// paper configuration; stages { fake [0, 0.5) } in a comment\r\n" +
        "model cifar {\n" +
        "  encoder 128\n" +
        "  stages {\n" +
        "    # near the data: the wide decoder\n" +
        "    low   [0,    0.3500)   // t1 from Algorithm 1\r\n" +
        "    mid [ 0.3500 , 0.7000 )\n" +
        "\tnoise [0.7000, 1]   # identity-like\n" +
        "  }\n" +
        "  decoders 192 128 16 // [0.1, 0.2)\n" +
        "}\n";

    [Fact]
    public void FindsABlockWhoseBoundariesAreInSigma()
    {
        var before = Before.Replace("  stages {\n", "  stages in sigma {\n");
        Assert.True(MsdStagesRewriter.IsSigma(before));
        Assert.False(MsdStagesRewriter.IsSigma(Before));
        Assert.Equal(After.Replace("  stages {\n", "  stages in sigma {\n"), MsdStagesRewriter.Rewrite(before, new[] { 0.35, 0.70 }));
    }

    [Fact]
    public void ReplacesOnlyTheBoundaryNumbers()
    {
        Assert.Equal(After, MsdStagesRewriter.Rewrite(Before, new[] { 0.35, 0.70 }));
    }

    [Fact]
    public void FileKeepsItsBomAndEveryOtherByte()
    {
        using var folder = new ScratchFolder();
        var path = folder.File("model.msd");
        var bom = new byte[] { 0xEF, 0xBB, 0xBF };
        File.WriteAllBytes(path, [.. bom, .. Encoding.UTF8.GetBytes(Before)]);

        MsdStagesRewriter.RewriteFile(path, new[] { 0.35, 0.70 });

        Assert.Equal([.. bom, .. Encoding.UTF8.GetBytes(After)], File.ReadAllBytes(path));
    }

    [Fact]
    public void WrongStageCountIsAnError()
    {
        var error = Assert.Throws<FormatException>(() => MsdStagesRewriter.Rewrite(Before, new[] { 0.5 }));
        Assert.Contains("3 stages", error.Message);
    }
}
