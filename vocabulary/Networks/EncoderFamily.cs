namespace DiffusionDsl.Runtime.Networks;

/// <summary>
/// The block family the .msd's `encoder F { ... }` names: EDM's SongUNet configured as DDPM++ or as NCSN++
/// (EDM's train.py, --arch=ddpmpp / ncsnpp; the reference's networks.py takes the same options for its MultistageUNet).
/// </summary>
public enum EncoderFamily
{
    /// <summary>DDPM++: box resampling (filter [1, 1]), the noise embedding at the stem width.</summary>
    Ddpmpp,

    /// <summary>
    /// NCSN++: FIR resampling (filter [1, 3, 3, 1]), Fourier noise features by default, at twice the stem width
    /// (channel_mult_noise 2; a positional embedding keeps the stem width), and a residual input pyramid (encoder_type 'residual'): after each downsampling block the
    /// image, carried down by a 3x3 conv with fused FIR downsampling, is added to the features and the sum scaled by
    /// sqrt(1/2).
    /// </summary>
    Ncsnpp,
}

/// <summary>The resampling filter of a network's up/down blocks: EDM's resample_filter.</summary>
public enum ResampleFilter
{
    /// <summary>[1, 1]: a 2x2 box, which equals average pooling down and nearest-neighbour upsampling.</summary>
    Box,

    /// <summary>[1, 3, 3, 1]: the 4x4 outer product over 64, applied depthwise with stride 2 (down) or transposed (up).</summary>
    Fir,
}

/// <summary>What each family sets.</summary>
public static class EncoderFamilies
{
    /// <summary>The .msd's word for each family.</summary>
    public static string Keyword(EncoderFamily family) => family == EncoderFamily.Ncsnpp ? "ncsnpp" : "ddpmpp";

    /// <summary>The family a .msd word names (ddpmpp for any other word: the binder has refused those).</summary>
    public static EncoderFamily FromKeyword(string? keyword) => keyword == Keyword(EncoderFamily.Ncsnpp) ? EncoderFamily.Ncsnpp : EncoderFamily.Ddpmpp;

    /// <summary>The noise embedding when the .msd writes none: positional for DDPM++, Fourier for NCSN++ (EDM's --arch defaults).</summary>
    public static Blocks.NoiseEmbeddingKind DefaultEmbedding(EncoderFamily family) =>
        family == EncoderFamily.Ncsnpp ? Blocks.NoiseEmbeddingKind.Fourier : Blocks.NoiseEmbeddingKind.Positional;

    /// <summary>
    /// The noise embedding's width: twice the stem width for NCSN++ with Fourier features (EDM's channel_mult_noise 2,
    /// score_sde's GaussianFourierProjection of nf frequencies), else the stem width (DDPM++; score_sde's NCSN++ with its
    /// positional embedding of nf channels, as the paper's multistage VP configuration has it).
    /// </summary>
    public static int NoiseChannels(EncoderFamily family, Blocks.NoiseEmbeddingKind embedding, int stemWidth) =>
        family == EncoderFamily.Ncsnpp && embedding == Blocks.NoiseEmbeddingKind.Fourier ? 2 * stemWidth : stemWidth;

    public static ResampleFilter Filter(EncoderFamily family) => family == EncoderFamily.Ncsnpp ? ResampleFilter.Fir : ResampleFilter.Box;

    /// <summary>Whether the encoder has the residual input pyramid (an aux_residual conv after each downsampling block).</summary>
    public static bool HasResidualInput(EncoderFamily family) => family == EncoderFamily.Ncsnpp;
}
