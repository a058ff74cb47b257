using System.Collections.Generic;
using System.Linq;

namespace DiffusionDsl.Language.Semantics;

/// <summary>
/// One residual block (EDM's UNetBlock) as runtime/Networks builds it: GroupNorm over its input, conv, GroupNorm over
/// its output, conv, and for an attending block a third GroupNorm over its output. A decoder block's input is the
/// output of the block below concatenated with one encoder skip: <see cref="FromBelow"/> + <see cref="Skip"/>.
/// </summary>
/// <param name="Level">The index of its level in the encoder's or decoder's level list; -1 for the middle blocks.</param>
public sealed record BlockPlan(int Level, int Resolution, string Name, int FromBelow, int Skip, int OutChannels, bool Attention, bool Resample)
{
    public int InChannels => FromBelow + Skip;
}

/// <summary>
/// The block list of the shared encoder and of each decoder, in the order runtime/Networks (SharedEncoder,
/// StageDecoder, MiddleBlocks, EncoderLayout.SkipWidths) builds them. The cost model counts from it, and the checker
/// checks every GroupNorm and attention on it, so neither can disagree with the network that is built; the generator
/// tests compare its parameter count with TorchSharp's on random models.
/// </summary>
public static class NetworkPlan
{
    /// <summary>The encoder's blocks: per level, a downsampling block (after the first level) and its residual blocks; then the middle blocks when the encoder owns them.</summary>
    public static IEnumerable<BlockPlan> Encoder(EncoderSpec encoder)
    {
        int channels = encoder.StemWidth;
        for (int i = 0; i < encoder.Levels.Count; i++)
        {
            var level = encoder.Levels[i];
            if (i > 0) yield return new BlockPlan(i, level.Resolution, "downsampling block", channels, 0, channels, false, Resample: true);
            for (int b = 0; b < level.Blocks; b++)
            {
                yield return new BlockPlan(i, level.Resolution, $"block {b}", channels, 0, level.Width, level.Attention, Resample: false);
                channels = level.Width;
            }
        }
        if (encoder.MiddleInEncoder)
            foreach (var block in Middle(encoder)) yield return block;
    }

    /// <summary>The channels of every skip connection, in the order the encoder produces them (EncoderLayout.SkipWidths).</summary>
    public static List<int> SkipWidths(EncoderSpec encoder)
    {
        var skips = new List<int>();
        int channels = encoder.StemWidth;
        foreach (var level in encoder.Levels)
        {
            skips.Add(channels);
            for (int b = 0; b < level.Blocks; b++) skips.Add(channels = level.Width);
        }
        return skips;
    }

    /// <summary>
    /// A decoder's blocks: the middle blocks unless the encoder owns them, then per level an upsampling block (after
    /// the first level) and its residual blocks, each taking the next skip (last produced, first taken).
    /// </summary>
    public static IEnumerable<BlockPlan> Decoder(EncoderSpec encoder, DecoderSpec decoder)
    {
        if (!encoder.MiddleInEncoder)
            foreach (var block in Middle(encoder)) yield return block;
        var skips = new Stack<int>(SkipWidths(encoder));
        int channels = encoder.BottleneckWidth;
        for (int i = 0; i < decoder.Levels.Count; i++)
        {
            var level = decoder.Levels[i];
            if (i > 0) yield return new BlockPlan(i, level.Resolution, "upsampling block", channels, 0, channels, false, Resample: true);
            for (int b = 0; b < level.Blocks; b++)
            {
                int skip = skips.Count > 0 ? skips.Pop() : 0;
                yield return new BlockPlan(i, level.Resolution, $"block {b}", channels, skip, level.Width, level.Attention && b == level.Blocks - 1, Resample: false);
                channels = level.Width;
            }
        }
    }

    /// <summary>The width the decoder's output GroupNorm and 3x3 conv see.</summary>
    public static int DecoderOutputWidth(EncoderSpec encoder, DecoderSpec decoder) =>
        decoder.Levels.Count > 0 ? decoder.Levels[decoder.Levels.Count - 1].Width : encoder.BottleneckWidth;

    /// <summary>SongUNet's bottleneck: two blocks at the encoder's width, the first with attention.</summary>
    private static IEnumerable<BlockPlan> Middle(EncoderSpec encoder)
    {
        int width = encoder.BottleneckWidth, resolution = encoder.Levels[encoder.Levels.Count - 1].Resolution;
        yield return new BlockPlan(-1, resolution, "middle block 0", width, 0, width, Attention: true, Resample: false);
        yield return new BlockPlan(-1, resolution, "middle block 1", width, 0, width, Attention: false, Resample: false);
    }

    /// <summary>The GroupNorms of a block: over its input, over its output, and (attending) over its output again before qkv.</summary>
    public static IEnumerable<(string Norm, int Channels)> Norms(BlockPlan block)
    {
        yield return ("norm0", block.InChannels);
        yield return ("norm1", block.OutChannels);
        if (block.Attention) yield return ("norm2", block.OutChannels);
    }
}
