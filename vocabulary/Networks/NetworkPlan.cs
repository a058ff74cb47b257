using System.Collections.Generic;

namespace DiffusionDsl.Runtime.Networks;

/// <summary>One resolution level: residual blocks of one width, optionally attending.</summary>
public sealed record Level(int Resolution, int Width, int Blocks, bool Attention = false);

/// <summary>What the block list needs of an encoder: the compiler's EncoderSpec and the runtime's EncoderLayout both say it.</summary>
public interface IEncoderShape
{
    int StemWidth { get; }
    IReadOnlyList<Level> Levels { get; }
    bool MiddleInEncoder { get; }
    EncoderFamily FamilyKind { get; }
}

public enum BlockKind { Residual, Down, Up, Middle }

/// <summary>
/// One residual block (EDM's UNetBlock, ADM's ResBlock): GroupNorm over its input, conv, GroupNorm over its output, conv, and for an
/// attending block a third GroupNorm over its output (ADM: its AttentionBlock's norm). A decoder block's input is the output of the block below
/// concatenated with one encoder skip: <see cref="FromBelow"/> + <see cref="Skip"/>.
/// </summary>
/// <param name="Level">The index of its level in the encoder's or decoder's level list; -1 for the middle blocks.</param>
/// <param name="Index">The block's index in its level (or among the middle blocks); 0 for a resampling block.</param>
/// <param name="PlainResample">An up/down block that is a single 3x3 conv (ADM's Upsample / Downsample), not a residual block.</param>
public sealed record BlockPlan(BlockKind Kind, int Level, int Index, int Resolution, int FromBelow, int Skip, int OutChannels, bool Attention,
    bool PlainResample = false)
{
    public int InChannels => FromBelow + Skip;
    public bool Resample => Kind is BlockKind.Down or BlockKind.Up;

    /// <summary>How the checker's messages name it.</summary>
    public string Name => Kind switch
    {
        BlockKind.Down => "downsampling block",
        BlockKind.Up => "upsampling block",
        BlockKind.Middle => $"middle block {Index}",
        _ => $"block {Index}",
    };
}

/// <summary>
/// The block list of the shared encoder and of each decoder (EDM's SongUNet, DDPM++): the one description of the
/// network's topology. The runtime's SharedEncoder and StageDecoder build their blocks from it, in its order; the
/// compiler's cost model counts from it and its checker checks every GroupNorm and attention on it.
/// </summary>
public static class NetworkPlan
{
    /// <summary>The encoder's blocks: per level, a downsampling block (after the first level) and its residual blocks; then the middle blocks when the encoder owns them.</summary>
    public static IEnumerable<BlockPlan> Encoder(IEncoderShape encoder)
    {
        int channels = encoder.StemWidth;
        for (int i = 0; i < encoder.Levels.Count; i++)
        {
            var level = encoder.Levels[i];
            if (i > 0) yield return new BlockPlan(BlockKind.Down, i, 0, level.Resolution, channels, 0, channels, false, PlainResample(encoder));
            for (int b = 0; b < level.Blocks; b++)
            {
                yield return new BlockPlan(BlockKind.Residual, i, b, level.Resolution, channels, 0, level.Width, level.Attention);
                channels = level.Width;
            }
        }
        if (encoder.MiddleInEncoder)
            foreach (var block in Middle(encoder)) yield return block;
    }

    /// <summary>The channels of every skip connection, in the order the encoder produces them: the stem's, then every encoder block's.</summary>
    public static List<int> SkipWidths(IEncoderShape encoder)
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
    /// How many encoder skips each decoder level takes, lowest resolution first: the mirrored encoder level's residual
    /// blocks + 1 (the stem's or the downsampling block's output). A decoder level has exactly that many blocks.
    /// </summary>
    public static List<int> DecoderLevelSkips(IEncoderShape encoder)
    {
        var skips = new List<int>();
        for (int i = encoder.Levels.Count - 1; i >= 0; i--) skips.Add(encoder.Levels[i].Blocks + 1);
        return skips;
    }

    /// <summary>
    /// A decoder's blocks: the middle blocks unless the encoder owns them, then per level an upsampling block (after
    /// the first level) and its residual blocks, each taking the next skip (last produced, first taken; 0 when the
    /// skips have run out, which the checker reports); only a level's last block attends.
    /// </summary>
    public static IEnumerable<BlockPlan> Decoder(IEncoderShape encoder, IReadOnlyList<Level> decoder)
    {
        if (!encoder.MiddleInEncoder)
            foreach (var block in Middle(encoder)) yield return block;
        var skips = new Stack<int>(SkipWidths(encoder));
        int channels = BottleneckWidth(encoder);
        for (int i = 0; i < decoder.Count; i++)
        {
            var level = decoder[i];
            if (i > 0) yield return new BlockPlan(BlockKind.Up, i, 0, level.Resolution, channels, 0, channels, false, PlainResample(encoder));
            bool everyBlockAttends = EncoderFamilies.AttendsInEveryDecoderBlock(encoder.FamilyKind);
            for (int b = 0; b < level.Blocks; b++)
            {
                int skip = skips.Count > 0 ? skips.Pop() : 0;
                yield return new BlockPlan(BlockKind.Residual, i, b, level.Resolution, channels, skip, level.Width,
                    level.Attention && (everyBlockAttends || b == level.Blocks - 1));
                channels = level.Width;
            }
        }
    }

    /// <summary>The width the decoder's output GroupNorm and 3x3 conv see.</summary>
    public static int DecoderOutputWidth(IEncoderShape encoder, IReadOnlyList<Level> decoder) =>
        decoder.Count > 0 ? decoder[decoder.Count - 1].Width : BottleneckWidth(encoder);

    /// <summary>The width of the encoder's last level, where the middle blocks run.</summary>
    public static int BottleneckWidth(IEncoderShape encoder) => encoder.Levels[encoder.Levels.Count - 1].Width;

    /// <summary>SongUNet's bottleneck: two blocks at the encoder's width, the first with attention.</summary>
    private static IEnumerable<BlockPlan> Middle(IEncoderShape encoder)
    {
        int width = BottleneckWidth(encoder), resolution = encoder.Levels[encoder.Levels.Count - 1].Resolution;
        yield return new BlockPlan(BlockKind.Middle, -1, 0, resolution, width, 0, width, Attention: true);
        yield return new BlockPlan(BlockKind.Middle, -1, 1, resolution, width, 0, width, Attention: false);
    }

    private static bool PlainResample(IEncoderShape encoder) => !EncoderFamilies.ResamplesInResidualBlocks(encoder.FamilyKind);

    /// <summary>The GroupNorms of a block: over its input, over its output, and (attending) over its output again before qkv; none in a plain resampling conv.</summary>
    public static IEnumerable<(string Norm, int Channels)> Norms(BlockPlan block)
    {
        if (block.PlainResample) yield break;
        yield return ("norm0", block.InChannels);
        yield return ("norm1", block.OutChannels);
        if (block.Attention) yield return ("norm2", block.OutChannels);
    }
}
