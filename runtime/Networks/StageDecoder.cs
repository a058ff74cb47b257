using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;
using DiffusionDsl.Runtime.Blocks;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Networks;

/// <summary>
/// One stage's decoder: SongUNet's decoder at its own width. Its bottleneck blocks (unless the
/// encoder owns them) run at the encoder's width; each level concatenates one encoder skip per
/// block; GroupNorm-SiLU-3x3 conv is the output head.
/// </summary>
public class StageDecoder : nn.Module
{
    private readonly ModuleList<UNetBlock> middle = new();
    private readonly ModuleList<UNetBlock> blocks = new();
    private readonly GroupNorm head_norm;
    private readonly Conv2d head_conv;

    public DecoderLayout Layout { get; }

    /// <summary>Samples this decoder has processed; lets tests and benchmarks see the routing.</summary>
    public long SamplesSeen { get; private set; }

    public StageDecoder(EncoderLayout encoder, DecoderLayout layout, string name = nameof(StageDecoder)) : base(name)
    {
        Layout = layout;
        int emb = encoder.EmbeddingWidth;
        int channels = encoder.BottleneckWidth;
        var skips = new Stack<int>(encoder.SkipWidths);
        if (!encoder.MiddleInEncoder) MiddleBlocks.AddTo(middle, channels, emb, encoder.BlockOptions);
        for (int i = 0; i < layout.Levels.Count; i++)
        {
            var level = layout.Levels[i];
            if (i > 0) blocks.Add(new UNetBlock(channels, channels, emb, encoder.BlockOptions, resample: Resample.Up));
            for (int b = 0; b < level.Blocks; b++)
            {
                blocks.Add(new UNetBlock(channels + skips.Pop(), level.Width, emb, encoder.BlockOptions, level.Attention && b == level.Blocks - 1));
                channels = level.Width;
            }
        }
        head_norm = InitialisedGroupNorm.Create(channels, encoder.Groups);
        head_conv = nn.Conv2d(channels, layout.OutChannels, 3, padding: 1);
        Initialisation.ScaleWeights(head_conv, 1e-5);
        RegisterComponents();
    }

    public Tensor Decode(EncoderState state)
    {
        SamplesSeen += state.Features.shape[0];
        var x = state.Features;
        foreach (var block in middle) x = block.forward(x, state.Embedding);
        int skip = state.Skips.Count;
        foreach (var block in blocks)
        {
            if (x.shape[1] != block.InChannels) x = cat(new[] { x, state.Skips[--skip] }, 1);
            x = block.forward(x, state.Embedding);
        }
        return head_conv.forward(nn.functional.silu(head_norm.forward(x)));
    }
}
