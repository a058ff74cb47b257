namespace DiffusionDsl.Runtime.Blocks;

/// <summary>How the noise level is embedded: EDM's PositionalEmbedding or FourierEmbedding (the .msd's `embedding`).</summary>
public enum NoiseEmbeddingKind { Positional, Fourier }

/// <summary>The embedding width when the .msd gives none: EDM's emb_channels = model_channels x channel_mult_emb (4).</summary>
public static class NoiseEmbeddingWidth
{
    public const int PerStemChannel = 4;

    public static int Default(int stemWidth) => PerStemChannel * stemWidth;
}
