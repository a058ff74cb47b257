using DiffusionDsl.Runtime.Blocks;

namespace DiffusionDsl.Runtime.Networks;

/// <summary>SongUNet's bottleneck: two blocks at the encoder's width, the first with attention ("in0", "in1").</summary>
internal static class MiddleBlocks
{
    public static UNetBlock[] Create(int channels, int embedding, BlockOptions options) => new[]
    {
        new UNetBlock(channels, channels, embedding, options, attention: true),
        new UNetBlock(channels, channels, embedding, options),
    };
}
