using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Staging;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Networks;

/// <summary>
/// One shared encoder, one decoder per stage. The encoder runs once on the whole batch; each
/// decoder runs on the sub-batch of samples whose t lies in its stage, and the results are
/// scattered back in order. (The reference code routes the whole batch by sample 0's stage.)
/// state_dict keys are "encoder.*" and one "&lt;stage name&gt;.*" per stage, each tensor once.
/// </summary>
public abstract class MultistageUNet : nn.Module<Tensor, Tensor, Tensor>, IMultistageModel
{
    private SharedEncoder? _encoder;
    private StageDecoder[] _decoders = Array.Empty<StageDecoder>();
    private bool _registered;

    private readonly ModelCostTable? _cost;

    /// <param name="cost">The compiler's cost table (the generated model's static <c>Cost</c>), one entry per stage.</param>
    protected MultistageUNet(string name, INoiseSchedule schedule, StageTable stages, ModelCostTable? cost = null) : base(name)
    {
        if (cost is not null && cost.Stages.Count != stages.Count)
            throw new ArgumentException($"The cost table has {cost.Stages.Count} stages but the model has {stages.Count}.", nameof(cost));
        Schedule = schedule;
        Stages = stages;
        _cost = cost;
    }

    // Explicit, so the generated class's static Cost and its stage properties keep their names.
    ModelCostTable? IMultistageModel.Cost => _cost;

    public INoiseSchedule Schedule { get; }
    public StageTable Stages { get; }
    public nn.Module Module => this;
    public IReadOnlyList<StageDecoder> Decoders => _decoders;

    /// <summary>Whether <see cref="IDisposable.Dispose"/> has freed the model's tensors (the trainer and the sampler then refuse it by name).</summary>
    public bool IsDisposed { get; private set; }

    protected override void Dispose(bool disposing)
    {
        if (disposing) IsDisposed = true;
        base.Dispose(disposing);
    }

    /// <summary>The images the network takes, channels x height x width (the .msd's image line).</summary>
    public (int Channels, int Height, int Width) ImageShape => _encoder is { } e
        ? (e.Layout.InChannels, e.Layout.Levels[0].Resolution, e.Layout.Levels[0].Resolution)
        : throw new InvalidOperationException($"{GetName()} is not wired yet: its constructor calls Wire.");

    /// <summary>Called once by the generated constructor, decoders in stage order.</summary>
    protected void Wire(SharedEncoder encoder, params StageDecoder[] decoders)
    {
        if (decoders.Length != Stages.Count) throw new ArgumentException($"{Stages.Count} stages need {Stages.Count} decoders, not {decoders.Length}.");
        _encoder = encoder;
        _decoders = decoders;
        RegisterComponents();
    }

    // Registered by hand: the generated subclass's typed properties hold the same modules, and TorchSharp would
    // otherwise register them again under their backing fields' names.
    protected override void RegisterComponents()
    {
        if (_registered || _encoder is null) return;
        _registered = true;
        register_module("encoder", _encoder);
        for (int i = 0; i < _decoders.Length; i++) register_module(Stages.Stages[i].Name, _decoders[i]);
    }

    public Tensor Predict(Tensor x, Tensor t) => forward(x, t);

    /// <summary>How many augmentation labels the shared encoder takes (the .msd's `augment N`).</summary>
    public int AugmentDim => _encoder?.Layout.AugmentDim ?? 0;

    /// <summary>The prediction for augmented training inputs; null labels (as at sampling) equal zero labels.</summary>
    public Tensor Predict(Tensor x, Tensor t, Tensor? augmentLabels) => forward(x, t, augmentLabels);

    public override Tensor forward(Tensor x, Tensor t) => forward(x, t, null);

    public Tensor forward(Tensor x, Tensor t, Tensor? augmentLabels) => forward(x, t, augmentLabels, null);

    /// <summary>The prediction routed by a split the caller knows (no host read), see <see cref="StageSplit"/>.</summary>
    public Tensor Predict(Tensor x, Tensor t, Tensor? augmentLabels, StageSplit split) => forward(x, t, augmentLabels, split);

    public Tensor forward(Tensor x, Tensor t, Tensor? augmentLabels, StageSplit? split)
    {
        var encoder = _encoder ?? throw new InvalidOperationException("The model was not wired.");
        // Shapes are known on the host: checking them reads nothing back from the device.
        if (t.dim() != 1 || t.shape[0] != x.shape[0])
            throw new ArgumentException($"t must hold one time per image, shape [{x.shape[0]}], not [{string.Join(", ", t.shape)}].", nameof(t));
        var state = encoder.Encode(x, NoiseLabels(t), augmentLabels);
        Tensor Decode(int stage, Tensor? indices) => _decoders[stage].Decode(indices is null ? state : state.Select(indices));
        return split is null
            ? StageRouting.Route(Stages.StageOf(t), Stages.Count, Decode)
            : StageRouting.Route(split, () => Stages.StageOf(t), Decode);
    }

    /// <summary>The noise embedding's input for each sample's t, as the schedule defines it, on t's device.</summary>
    protected virtual Tensor NoiseLabels(Tensor t) => Schedule.NoiseLabels(t);
}
