using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;
using DiffusionDsl.Runtime.Blocks;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Networks;

/// <summary>
/// The encoder that every stage shares: SongUNet's noise mapping and encoder levels (and, when the
/// .msd says `middle encoder`, the two bottleneck blocks).
/// </summary>
public class SharedEncoder : nn.Module
{
    private readonly NoiseEmbedding map_noise;
    private readonly Linear? map_augment;
    private readonly Linear map_layer0;
    private readonly Linear map_layer1;
    private readonly Conv2d stem;
    private readonly ModuleList<UNetBlock> blocks = new();
    private readonly bool[] _producesSkip;
    private readonly ModuleList<UNetBlock> middle = new();

    public EncoderLayout Layout { get; }

    public SharedEncoder(EncoderLayout layout, string name = nameof(SharedEncoder)) : base(name)
    {
        Layout = layout;
        int emb = layout.EmbeddingWidth;
        map_noise = new NoiseEmbedding(layout.Embedding, layout.NoiseChannels);
        if (layout.AugmentDim > 0) map_augment = nn.Linear(layout.AugmentDim, layout.NoiseChannels, hasBias: false);
        map_layer0 = nn.Linear(layout.NoiseChannels, emb);
        map_layer1 = nn.Linear(emb, emb);
        stem = nn.Conv2d(layout.InChannels, layout.StemWidth, 3, padding: 1);

        var skips = new List<bool>();
        int channels = layout.StemWidth;
        for (int i = 0; i < layout.Levels.Count; i++)
        {
            var level = layout.Levels[i];
            if (i > 0)
            {
                blocks.Add(new UNetBlock(channels, channels, emb, layout.BlockOptions, resample: Resample.Down));
                skips.Add(true);
            }
            for (int b = 0; b < level.Blocks; b++)
            {
                blocks.Add(new UNetBlock(channels, level.Width, emb, layout.BlockOptions, level.Attention));
                channels = level.Width;
                skips.Add(true);
            }
        }
        _producesSkip = skips.ToArray();
        if (layout.MiddleInEncoder) MiddleBlocks.AddTo(middle, channels, emb, layout.BlockOptions);
        RegisterComponents();
    }

    /// <summary>Runs the encoder once on the whole batch. noiseLabels: one per sample.</summary>
    public EncoderState Encode(Tensor x, Tensor noiseLabels, Tensor? augmentLabels = null)
    {
        var embedding = map_noise.forward(noiseLabels);
        if (map_augment is not null && augmentLabels is not null) embedding = embedding + map_augment.forward(augmentLabels);
        embedding = nn.functional.silu(map_layer0.forward(embedding));
        embedding = nn.functional.silu(map_layer1.forward(embedding));

        var skips = new List<Tensor>();
        x = stem.forward(x);
        skips.Add(x);
        for (int i = 0; i < blocks.Count; i++)
        {
            x = blocks[i].forward(x, embedding);
            if (_producesSkip[i]) skips.Add(x);
        }
        foreach (var block in middle) x = block.forward(x, embedding);
        return new EncoderState(x, skips, embedding);
    }
}
