using System.Collections.Generic;
using DiffusionDsl.Runtime.Blocks;
using DiffusionDsl.Runtime.Networks;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Staging;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Support;

/// <summary>
/// A real (runtime) multistage U-Net, wired by hand the way the generator wires one: a 1x8x8 SongUNet encoder
/// with EDM's augmentation-label input (augment_dim 9 by default) and two small stage decoders.
/// </summary>
internal sealed class TinyAugmentedUNet : MultistageUNet
{
    public static StageTable TwoStages { get; } = new(new[] { new StageInfo("data", 0, 0.5), new StageInfo("noise", 0.5, 1) });

    // Typed properties, as the generated model has.
    public SharedEncoder Encoder { get; }
    public StageDecoder Data { get; }
    public StageDecoder Noise { get; }

    public TinyAugmentedUNet(int augmentDim = 9, long seed = 0) : base(nameof(TinyAugmentedUNet), new VpSchedule(), TwoStages)
    {
        random.manual_seed(seed);
        var encoder = new EncoderLayout(InChannels: 1, StemWidth: 8, Levels: new[] { new Level(8, 8, 1) },
                                        Embedding: NoiseEmbeddingKind.Positional, EmbeddingChannels: 16, AugmentDim: augmentDim);
        var decoder = new DecoderLayout(new[] { new Level(8, 8, 2) }, OutChannels: 1);
        Encoder = new SharedEncoder(encoder, "encoder");
        Data = new StageDecoder(encoder, decoder, "data");
        Noise = new StageDecoder(encoder, decoder, "noise");
        Wire(Encoder, Data, Noise);
    }

    /// <summary>The encoder's map_augment weight [noise channels, augment_dim].</summary>
    public Parameter MapAugmentWeight
    {
        get
        {
            foreach (var (name, p) in Encoder.named_parameters()) if (name == "map_augment.weight") return p;
            throw new KeyNotFoundException("map_augment.weight");
        }
    }
}

/// <summary>
/// Records what the trainer or a sampler hands the network: the model input and the augmentation labels of every
/// call. Predicts zeros (through one parameter, so an optimizer has something to step).
/// </summary>
internal sealed class LabelRecordingModel : IMultistageModel
{
    private sealed class Weights : nn.Module
    {
        public readonly Parameter scale = nn.Parameter(ones(1));
        public Weights() : base("recording") => RegisterComponents();
    }

    private readonly Weights _weights = new();

    public LabelRecordingModel(int augmentDim = 9) => AugmentDim = augmentDim;

    public StageTable Stages { get; } = TinyAugmentedUNet.TwoStages;
    public nn.Module Module => _weights;
    public int AugmentDim { get; }
    public List<(Tensor Input, Tensor? Labels)> Calls { get; } = new();

    public Tensor Predict(Tensor x, Tensor t) => Predict(x, t, null);

    public Tensor Predict(Tensor x, Tensor t, Tensor? augmentLabels)
    {
        Calls.Add((x.detach().clone().DetachFromDisposeScope(), augmentLabels?.detach().clone().DetachFromDisposeScope()));
        return zeros_like(x) * _weights.scale;
    }
}
