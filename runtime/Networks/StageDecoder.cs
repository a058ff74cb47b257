using System;
using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;
using DiffusionDsl.Runtime.Blocks;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Networks;

/// <summary>
/// One stage's decoder: SongUNet's decoder at its own width, built block by block from
/// <see cref="NetworkPlan.Decoder"/>: its bottleneck blocks (unless the encoder owns them) at the
/// encoder's width, then each level's blocks, each concatenating one encoder skip; GroupNorm-SiLU-3x3
/// conv is the output head. Parameter names follow SongUNet's `dec`:
/// dec.{R}x{R}_in0/_in1, _up, _block{i}, _aux_norm, _aux_conv.
/// </summary>
public class StageDecoder : nn.Module
{
    private readonly NamedModules dec = new();
    private readonly UNetBlock[] _blocks;
    private readonly GroupNorm _outputNorm;
    private readonly Conv2d _outputConv;
    private bool _registered;

    public DecoderLayout Layout { get; }

    /// <summary>Samples this decoder has processed; lets tests and benchmarks see the routing.</summary>
    public long SamplesSeen { get; private set; }

    public StageDecoder(EncoderLayout encoder, DecoderLayout layout, string name = nameof(StageDecoder)) : base(name)
    {
        Layout = layout;
        int emb = encoder.EmbeddingWidth;
        var blocks = new List<UNetBlock>();
        foreach (var plan in NetworkPlan.Decoder(encoder, layout.Levels))
        {
            if (plan.Kind == BlockKind.Residual && plan.Skip == 0)
                throw new ArgumentException($"The decoder has more blocks than the encoder has skips ({encoder.SkipWidths.Count}); each level takes the encoder level's blocks + 1.", nameof(layout));
            var block = new UNetBlock(plan, emb, encoder.BlockOptions);
            dec.Add(ReferenceLayerNames.Of(plan), block);
            blocks.Add(block);
        }
        _blocks = blocks.ToArray();
        int resolution = layout.Levels[layout.Levels.Count - 1].Resolution;
        int channels = NetworkPlan.DecoderOutputWidth(encoder, layout.Levels);
        _outputNorm = InitialisedGroupNorm.Create(channels, encoder.GroupNorm);
        _outputConv = Initialisation.XavierUniform(nn.Conv2d(channels, layout.OutChannels, 3, padding: 1), Initialisation.NearZero);
        dec.Add(ReferenceLayerNames.OutputNorm(resolution), _outputNorm);
        dec.Add(ReferenceLayerNames.OutputConv(resolution), _outputConv);
        RegisterComponents();
    }

    // Registered by hand: the typed shortcuts (_outputNorm, _outputConv) must not appear a second time in state_dict.
    protected override void RegisterComponents()
    {
        if (_registered) return;
        _registered = true;
        register_module(nameof(dec), dec);
    }

    public Tensor Decode(EncoderState state)
    {
        SamplesSeen += state.Features.shape[0];
        var x = state.Features;
        int skip = state.Skips.Count;
        foreach (var block in _blocks)
        {
            // SongUNet's rule: a block whose input is wider than x takes the next skip.
            if (x.shape[1] != block.InChannels) x = cat(new[] { x, state.Skips[--skip] }, 1);
            x = block.forward(x, state.Embedding);
        }
        return _outputConv.forward(nn.functional.silu(_outputNorm.forward(x)));
    }
}
