namespace DiffusionDsl.Language.Tests;

/// <summary>
/// The hash checkpoints carry changes with what the weights mean and with nothing else: a comment, the namespace, the
/// name, dropout or a train or sample setting keep a run's checkpoints loadable.
/// </summary>
public class ModelHashTests
{
    private static readonly string Base = TinyModel.With(encoder: "dropout 0.1", train: "steps 100");

    private static string Hash(string text) =>
        ModelHash.Of(MsdCompiler.CompileUnguarded(text).Model ?? throw new System.InvalidOperationException("does not compile:\n" + text));

    [Theory]
    [InlineData("model Tiny {", "// a comment\nmodel Tiny {")]
    [InlineData("  image 1x8x8", "  namespace Some.Where\n  image 1x8x8")]
    [InlineData("model Tiny {", "model Renamed {")]
    [InlineData("dropout 0.1", "dropout 0.2")]
    [InlineData("steps 100", "steps 5000")]
    [InlineData("steps 100", "steps 100; lr 5e-4; ema 0.99")]
    [InlineData("  decoder a {", "  sample { solver heun; steps 18 }\n  decoder a {")]
    [InlineData("    width 8\n", "    width   8   # the stem\n")]
    public void WhatDoesNotChangeTheWeightsKeepsTheHash(string find, string replace)
    {
        Assert.Contains(find, Base);
        Assert.Equal(Hash(Base), Hash(Base.Replace(find, replace)));
    }

    [Theory]
    [InlineData("decoder a { width 8 }", "decoder a { width 16 }")]
    [InlineData("    a [0, 0.5)\n    b [0.5, 1]", "    a [0, 0.4)\n    b [0.4, 1]")]
    [InlineData("beta_max = 20", "beta_max = 10")]
    [InlineData("predicts eps", "predicts v")]
    [InlineData("    blocks 1\n", "    blocks 2\n")]
    [InlineData("image 1x8x8", "image 3x8x8")]
    public void WhatChangesTheWeightsOrTheirMeaningChangesTheHash(string find, string replace)
    {
        Assert.Contains(find, Base);
        Assert.NotEqual(Hash(Base), Hash(Base.Replace(find, replace)));
    }

    [Fact]
    public void RenamingAStageChangesTheHash() =>
        Assert.NotEqual(Hash(Base), Hash(Base.Replace("    b [0.5, 1]", "    c [0.5, 1]").Replace("decoder b {", "decoder c {")));

    [Fact]
    public void TheHashIs32HexDigits() => Assert.Matches("^[0-9a-f]{32}$", Hash(Base));
}
