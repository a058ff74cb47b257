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
/// The encoder that every stage shares: SongUNet's noise mapping and encoder levels (and, when the
/// .msd says `middle encoder`, the two bottleneck blocks). Parameter names follow SongUNet:
/// map_noise, map_augment, map_layer0/1 and enc.{R}x{R}_conv / _down / _aux_residual / _block{i}.
/// An NCSN++ encoder also carries the image down beside the features (SongUNet's encoder_type 'residual').
/// An ADM encoder holds the same layers under openaimodel.py's names: time_embed.0/.2, input_blocks.{i}.{j} and
/// middle_block.{j} (<see cref="AdmTopology"/>).
/// </summary>
public class SharedEncoder : nn.Module
{
    private readonly NoiseEmbedding map_noise;
    private readonly Linear? map_augment;
    private readonly Linear map_layer0;
    private readonly Linear map_layer1;
    private readonly NamedModules enc = new();
    private readonly NamedModules? _admTimeEmbedding, _admInputBlocks;
    private readonly AdmSequence? _admMiddle;
    private readonly Conv2d _stem;
    private readonly nn.Module<Tensor, Tensor, Tensor>[] _blocks;
    private readonly nn.Module<Tensor, Tensor, Tensor>[] _middle;
    /// <summary>NCSN++'s input pyramid: for each of _blocks, the conv that follows it (after a downsampling block), else null.</summary>
    private readonly FusedDownsamplingConv?[] _inputResidual;
    private bool _registered;
    private static readonly double InputResidualDivisor = Math.Sqrt(2);

    public EncoderLayout Layout { get; }

    public SharedEncoder(EncoderLayout layout, string name = nameof(SharedEncoder)) : base(name)
    {
        Layout = layout;
        int emb = layout.EmbeddingWidth;
        bool adm = layout.Family == EncoderFamily.Adm;
        map_noise = new NoiseEmbedding(layout.Embedding, layout.NoiseChannels, timestepEmbedding: adm);
        if (layout.AugmentDim > 0)
            map_augment = Initialisation.XavierUniform(nn.Linear(layout.AugmentDim, layout.NoiseChannels, hasBias: false));
        if (adm)
        {
            map_layer0 = AdmInitialisation.Default(nn.Linear(layout.NoiseChannels, emb));
            map_layer1 = AdmInitialisation.Default(nn.Linear(emb, emb));
            _stem = AdmInitialisation.Default(nn.Conv2d(layout.InChannels, layout.StemWidth, 3, padding: 1));
            var (admBlocks, admMiddle) = AdmTopology.Build(NetworkPlan.Encoder(layout), emb, layout.BlockOptions);
            _admTimeEmbedding = new NamedModules();
            _admTimeEmbedding.Add("0", map_layer0);
            _admTimeEmbedding.Add("2", map_layer1);
            var stem = new NamedModules();
            stem.Add("0", _stem);
            _admInputBlocks = AdmTopology.Numbered(new nn.Module[] { stem }.Concat(admBlocks));
            _admMiddle = admMiddle;
            _blocks = admBlocks.ToArray();
            _middle = admMiddle is null ? Array.Empty<nn.Module<Tensor, Tensor, Tensor>>() : new nn.Module<Tensor, Tensor, Tensor>[] { admMiddle };
            _inputResidual = new FusedDownsamplingConv?[_blocks.Length];
            RegisterComponents();
            return;
        }
        map_layer0 = Initialisation.XavierUniform(nn.Linear(layout.NoiseChannels, emb));
        map_layer1 = Initialisation.XavierUniform(nn.Linear(emb, emb));

        _stem = Initialisation.XavierUniform(nn.Conv2d(layout.InChannels, layout.StemWidth, 3, padding: 1));
        enc.Add(ReferenceLayerNames.Stem(layout.Levels[0].Resolution), _stem);
        var blocks = new List<UNetBlock>();
        var middle = new List<UNetBlock>();
        var inputResidual = new List<FusedDownsamplingConv?>();
        int pyramidChannels = layout.InChannels;
        foreach (var plan in NetworkPlan.Encoder(layout))
        {
            var block = new UNetBlock(plan, emb, layout.BlockOptions);
            enc.Add(ReferenceLayerNames.Of(plan), block);
            if (plan.Kind == BlockKind.Middle)
            {
                middle.Add(block);
                continue;
            }
            blocks.Add(block);
            FusedDownsamplingConv? residual = null;
            if (plan.Kind == BlockKind.Down && EncoderFamilies.HasResidualInput(layout.Family))
            {
                residual = new FusedDownsamplingConv(pyramidChannels, plan.OutChannels);
                enc.Add(ReferenceLayerNames.InputResidual(plan.Resolution), residual);
                pyramidChannels = plan.OutChannels;
            }
            inputResidual.Add(residual);
        }
        _blocks = blocks.ToArray();
        _middle = middle.ToArray();
        _inputResidual = inputResidual.ToArray();
        RegisterComponents();
    }

    // Registered by hand: the typed shortcuts (_stem, _blocks) must not appear a second time in state_dict.
    protected override void RegisterComponents()
    {
        if (_registered) return;
        _registered = true;
        register_module(nameof(map_noise), map_noise);
        if (map_augment is not null) register_module(nameof(map_augment), map_augment);
        if (_admInputBlocks is not null)
        {
            register_module("time_embed", _admTimeEmbedding!);
            register_module("input_blocks", _admInputBlocks);
            if (_admMiddle is not null) register_module("middle_block", _admMiddle);
            return;
        }
        register_module(nameof(map_layer0), map_layer0);
        register_module(nameof(map_layer1), map_layer1);
        register_module(nameof(enc), enc);
    }

    /// <summary>
    /// Runs the encoder once on the whole batch. noiseLabels: one per sample; augmentLabels: [N, AugmentDim] or null
    /// (no augmentation, the same as zeros: map_augment has no bias).
    /// </summary>
    public EncoderState Encode(Tensor x, Tensor noiseLabels, Tensor? augmentLabels = null)
    {
        var embedding = map_noise.forward(noiseLabels).to(map_layer0.weight!.dtype); // a no-op for a float32 network
        if (augmentLabels is not null)
        {
            CheckAugmentLabels(augmentLabels, x.shape[0]);
            embedding = embedding + map_augment!.forward(augmentLabels.to(embedding.dtype));
        }
        embedding = nn.functional.silu(map_layer0.forward(embedding));
        embedding = nn.functional.silu(map_layer1.forward(embedding));

        // Every encoder layer's output is a skip, the stem's included (SongUNet's `skips`).
        var skips = new List<Tensor>();
        var pyramid = x;
        x = _stem.forward(x);
        skips.Add(x);
        for (int i = 0; i < _blocks.Length; i++)
        {
            x = _blocks[i].forward(x, embedding);
            // NCSN++: the downsampled image joins the features, and the sum is both the skip and the next pyramid input.
            if (_inputResidual[i] is { } residual) x = pyramid = x.add(residual.forward(pyramid)).div_(InputResidualDivisor);
            skips.Add(x);
        }
        foreach (var block in _middle) x = block.forward(x, embedding);
        return new EncoderState(x, skips, embedding);
    }

    private void CheckAugmentLabels(Tensor labels, long batch)
    {
        if (map_augment is null)
            throw new ArgumentException("This encoder has no augmentation-label input (the .msd's encoder has no `augment N`) but was given labels.", nameof(labels));
        if (labels.dim() != 2 || labels.shape[0] != batch || labels.shape[1] != Layout.AugmentDim)
            throw new ArgumentException($"Augmentation labels must have shape [{batch}, {Layout.AugmentDim}], not [{string.Join(", ", labels.shape)}].", nameof(labels));
    }
}
