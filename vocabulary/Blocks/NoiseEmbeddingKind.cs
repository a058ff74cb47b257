namespace DiffusionDsl.Runtime.Blocks;

/// <summary>How the noise level is embedded: EDM's PositionalEmbedding or FourierEmbedding (the .msd's `embedding`).</summary>
public enum NoiseEmbeddingKind { Positional, Fourier }
