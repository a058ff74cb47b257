using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using DiffusionDsl.Runtime.Blocks;
using DiffusionDsl.Runtime.Blocks.Adm;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Networks;

/// <summary>
/// One stage's decoder: SongUNet's decoder at its own width, built block by block from
/// <see cref="NetworkPlan.Decoder"/>: its bottleneck blocks (unless the encoder owns them) at the
/// encoder's width, then each level's blocks, each concatenating one encoder skip; GroupNorm-SiLU-3x3
/// conv is the output head. Parameter names follow SongUNet's `dec`:
/// dec.{R}x{R}_in0/_in1, _up, _block{i}, _aux_norm, _aux_conv. An ADM decoder uses openaimodel.py's names instead:
/// output_blocks.{i}.{j}, out.0 and out.2 (its bottleneck is the encoder's middle_block).
/// </summary>
public class StageDecoder : nn.Module
{
    private readonly NamedModules dec = new();
    private readonly NamedModules? _admOutputBlocks, _admOut;
    private readonly nn.Module<Tensor, Tensor, Tensor>[] _blocks;
    private readonly int[] _blockInChannels;
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
        var plans = NetworkPlan.Decoder(encoder, layout.Levels).ToList();
        if (plans.Any(plan => plan.Kind == BlockKind.Residual && plan.Skip == 0))
            throw new ArgumentException($"The decoder has more blocks than the encoder has skips ({encoder.SkipWidths.Count}); each level takes the encoder level's blocks + 1.", nameof(layout));
        int resolution = layout.Levels[layout.Levels.Count - 1].Resolution;
        int channels = NetworkPlan.DecoderOutputWidth(encoder, layout.Levels);
        if (encoder.Family == EncoderFamily.Adm)
        {
            // As the compiler requires (and UNetModel_multistage has it): the reference layout has no name for a decoder's own.
            if (!encoder.MiddleInEncoder)
                throw new ArgumentException("An ADM encoder keeps the middle blocks (middle_block), shared by every stage: set MiddleInEncoder.", nameof(encoder));
            var (admBlocks, _) = AdmTopology.Build(plans, emb, encoder.BlockOptions);
            _admOutputBlocks = AdmTopology.Numbered(admBlocks);
            _blocks = admBlocks.ToArray();
            _blockInChannels = admBlocks.Select(b => b.InChannels).ToArray();
            _outputNorm = AdmInitialisation.Norm(channels, encoder.GroupNorm);
            _outputConv = AdmInitialisation.Zero(nn.Conv2d(channels, layout.OutChannels, 3, padding: 1));
            _admOut = new NamedModules();
            _admOut.Add("0", _outputNorm);
            _admOut.Add("2", _outputConv);
            RegisterComponents();
            return;
        }
        var blocks = new List<UNetBlock>();
        foreach (var plan in plans)
        {
            var block = new UNetBlock(plan, emb, encoder.BlockOptions);
            dec.Add(ReferenceLayerNames.Of(plan), block);
            blocks.Add(block);
        }
        _blocks = blocks.ToArray();
        _blockInChannels = blocks.Select(b => b.InChannels).ToArray();
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
        if (_admOutputBlocks is not null)
        {
            register_module("output_blocks", _admOutputBlocks);
            register_module("out", _admOut!);
            return;
        }
        register_module(nameof(dec), dec);
    }

    public Tensor Decode(EncoderState state)
    {
        SamplesSeen += state.Features.shape[0];
        var x = state.Features;
        int skip = state.Skips.Count;
        for (int i = 0; i < _blocks.Length; i++)
        {
            // SongUNet's rule (and ADM's, whose every output block takes one): a block whose input is wider than x takes the next skip.
            if (x.shape[1] != _blockInChannels[i]) x = cat(new[] { x, state.Skips[--skip] }, 1);
            x = _blocks[i].forward(x, state.Embedding);
        }
        return _outputConv.forward(nn.functional.silu(_outputNorm.forward(x)));
    }
}
