namespace DiffusionDsl.Runtime.Networks;

/// <summary>
/// The block family the .msd's `encoder F { ... }` names: EDM's SongUNet configured as DDPM++ or as NCSN++
/// (EDM's train.py, --arch=ddpmpp / ncsnpp; the reference's networks.py takes the same options for its MultistageUNet),
/// or the ADM U-Net of latent diffusion's openaimodel.py (the paper's LDM runs: UNetModel_multistage).
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

    /// <summary>
    /// ADM (Dhariwal and Nichol's U-Net as latent diffusion's openaimodel.py has it): residual blocks without a skip
    /// scale, downsampling by a strided 3x3 conv and upsampling by nearest neighbours and a 3x3 conv (not residual
    /// blocks), attention as a block of its own after the residual block, 32 channels per head, in every block of an
    /// attending decoder level, GroupNorm of 32 groups, the bottleneck in the encoder, PyTorch's default initialisation.
    /// </summary>
    Adm,
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
    public static string Keyword(EncoderFamily family) => family switch
    {
        EncoderFamily.Ncsnpp => "ncsnpp",
        EncoderFamily.Adm => "adm",
        _ => "ddpmpp",
    };

    /// <summary>Every family's word, in the order the docs list them.</summary>
    public static string[] Keywords { get; } = { "ddpmpp", "ncsnpp", "adm" };

    /// <summary>The family a .msd word names (ddpmpp for any other word: the binder has refused those).</summary>
    public static EncoderFamily FromKeyword(string? keyword) => keyword switch
    {
        "ncsnpp" => EncoderFamily.Ncsnpp,
        "adm" => EncoderFamily.Adm,
        _ => EncoderFamily.Ddpmpp,
    };

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

    /// <summary>
    /// Whether up- and downsampling are residual blocks (SongUNet's up/down UNetBlocks, with norms, the noise embedding
    /// and a skip) or a single 3x3 conv (ADM's Downsample, stride 2, and Upsample, nearest neighbours then the conv).
    /// </summary>
    public static bool ResamplesInResidualBlocks(EncoderFamily family) => family != EncoderFamily.Adm;

    /// <summary>
    /// Whether every block of an attending decoder level attends (ADM's output blocks), or only the level's last
    /// (SongUNet's decoder).
    /// </summary>
    public static bool AttendsInEveryDecoderBlock(EncoderFamily family) => family == EncoderFamily.Adm;

    /// <summary>The GroupNorm groups when the .msd writes none: 32 for every width in ADM (GroupNorm32), else EDM's min(32, C / 4).</summary>
    public static Blocks.GroupNormRule DefaultGroups(EncoderFamily family) =>
        family == EncoderFamily.Adm ? new Blocks.GroupNormRule(AdmGroups) : Blocks.GroupNormRule.Edm;

    /// <summary>Channels per attention head when the .msd writes no `heads`: ADM's num_head_channels 32 (latent diffusion's configs); 0 (one head) otherwise.</summary>
    public static int DefaultHeadChannels(EncoderFamily family) => family == EncoderFamily.Adm ? AdmHeadChannels : 0;

    /// <summary>Where the bottleneck blocks live when the .msd does not say: in the encoder for ADM (UNetModel_multistage's middle_block), else in each decoder (the paper's EDM code).</summary>
    public static bool DefaultMiddleInEncoder(EncoderFamily family) => family == EncoderFamily.Adm;

    public const int AdmGroups = 32;
    public const int AdmHeadChannels = 32;
}
