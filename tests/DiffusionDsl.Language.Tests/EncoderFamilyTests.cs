using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Runtime.Blocks;
using DiffusionDsl.Runtime.Networks;

namespace DiffusionDsl.Language.Tests;

/// <summary>`encoder ddpmpp` and `encoder ncsnpp`: what the family word sets in the spec, and its errors.</summary>
public class EncoderFamilyTests
{
    private static MsdCompilation Compile(string family, string? line = null) =>
        MsdCompiler.CompileUnguarded(TinyModel.With(line).Replace("encoder ddpmpp", $"encoder {family}"));

    [Fact]
    public void NcsnppEmbedsTheNoiseAtTwiceTheWidthWithFourierFeaturesByDefault()
    {
        var compilation = Compile("ncsnpp");
        Assert.Empty(compilation.Diagnostics);
        var encoder = compilation.Model!.Encoder;
        Assert.Equal(EncoderFamily.Ncsnpp, encoder.FamilyKind);
        Assert.Equal(NoiseEmbeddingKind.Fourier, encoder.Embedding);
        Assert.Equal(16, encoder.NoiseChannels);
        Assert.Equal(32, encoder.EmbeddingChannels);
    }

    [Fact]
    public void DdpmppKeepsThePositionalEmbeddingAtTheStemWidth()
    {
        var encoder = Compile("ddpmpp").Model!.Encoder;
        Assert.Equal((EncoderFamily.Ddpmpp, NoiseEmbeddingKind.Positional, 8), (encoder.FamilyKind, encoder.Embedding, encoder.NoiseChannels));
    }

    /// <summary>score_sde's NCSN++ with its positional embedding (the paper's multistage VP network) embeds nf channels.</summary>
    [Fact]
    public void APositionalNcsnppEmbeddingKeepsTheStemWidth()
    {
        var compilation = Compile("ncsnpp", "embedding positional");
        Assert.Empty(compilation.Diagnostics);
        Assert.Equal((NoiseEmbeddingKind.Positional, 8), (compilation.Model!.Encoder.Embedding, compilation.Model.Encoder.NoiseChannels));
    }

    [Fact]
    public void AnOddWidthIsRefusedOnlyWhereTheEmbeddingWouldHaveHalfAFrequency()
    {
        static MsdCompilation OddWidth(string family, string? line = null) => MsdCompiler.CompileUnguarded(
            TinyModel.With(line).Replace("encoder ddpmpp {\n    width 8\n", $"encoder {family} {{\n    width 7\n"));
        Assert.DoesNotContain(OddWidth("ncsnpp").Diagnostics, d => d.Message.Contains("frequencies"));
        Assert.Contains(OddWidth("ncsnpp", "embedding positional").Diagnostics, d => d.Message.Contains("frequencies"));
        Assert.Contains(OddWidth("ddpmpp").Diagnostics, d => d.Message.Contains("frequencies"));
    }

    [Fact]
    public void TheFamilyChangesTheModelHashAndTheParameterCount()
    {
        var ddpmpp = Compile("ddpmpp");
        var ncsnpp = Compile("ncsnpp", "embedding positional");
        Assert.NotEqual(ModelHash.Of(ddpmpp.Model!), ModelHash.Of(ncsnpp.Model!));
        // The 1x8x8 model has one downsampling level: one 3x3 pyramid conv, 1 -> 8 channels (72 + 8).
        Assert.Equal(ddpmpp.Cost!.SharedParameters + 80, ncsnpp.Cost!.SharedParameters);
        // Fourier features at twice the width: map_layer0 reads 16 noise channels instead of 8 (8 x 32 more weights).
        Assert.Equal(ddpmpp.Cost!.SharedParameters + 80 + 8 * 32, Compile("ncsnpp").Cost!.SharedParameters);
    }

    [Fact]
    public void AnUnknownFamilyIsNamedWithTheFamiliesThereAre()
    {
        var text = TinyModel.With().Replace("encoder ddpmpp", "encoder ⟦ncsn⟧");
        var diagnostic = TinyModel.SingleDiagnostic(text, DiagnosticIds.UnknownOption);
        Assert.Contains("ncsnpp", diagnostic.Message);
    }
}
