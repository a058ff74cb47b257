using System;
using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Runtime.Networks;
using DiffusionDsl.Runtime.Staging;
using TorchSharp;
using static TorchSharp.torch;

namespace PaperComparisons;

/// <summary>
/// The paper's "separate" baseline: one complete network (encoder and decoder) per stage, nothing shared. Each
/// sample goes to its stage's network, so a training batch from one stage trains only that network, and sampling
/// runs one network per step, as the multistage model runs one decoder. The .msd language always shares the
/// encoder, so this baseline is assembled here from single-stage networks.
/// </summary>
public sealed class SeparateNetworks : nn.Module<Tensor, Tensor, Tensor>, IMultistageModel
{
    private readonly MultistageUNet[] _networks;

    /// <param name="stages">Where each network works.</param>
    /// <param name="createNetwork">A fresh single-stage network (its own stage table covers [0, 1]).</param>
    /// <param name="networkCost">That network's cost table (one stage).</param>
    public SeparateNetworks(StageTable stages, Func<MultistageUNet> createNetwork, ModelCostTable networkCost) : base(nameof(SeparateNetworks))
    {
        if (networkCost.Stages.Count != 1) throw new ArgumentException("Each separate network must be a single-stage model.", nameof(networkCost));
        Stages = stages;
        _networks = stages.Stages.Select(_ => createNetwork()).ToArray();
        Cost = CostOf(stages, networkCost);
        for (int i = 0; i < _networks.Length; i++) register_module(stages.Stages[i].Name, _networks[i]);
    }

    /// <summary>Nothing shared; every stage costs one whole network.</summary>
    public static ModelCostTable CostOf(StageTable stages, ModelCostTable networkCost)
    {
        var one = networkCost.Stages[0];
        return new ModelCostTable(0, stages.Stages.Select(s => new StageCost(s.Name, one.ActiveParameters, one.ActiveParameters, one.GFlops)).ToList());
    }

    public StageTable Stages { get; }
    public ModelCostTable Cost { get; }
    public nn.Module Module => this;
    public IReadOnlyList<MultistageUNet> Networks => _networks;

    public Tensor Predict(Tensor x, Tensor t) => forward(x, t);

    public override Tensor forward(Tensor x, Tensor t) => StageRouting.Route(Stages.StageOf(t), Stages.Count, Run(x, t));

    /// <summary>Routed by a split the trainer or sampler already knows: no read of the split from the device.</summary>
    public Tensor Predict(Tensor x, Tensor t, Tensor? augmentLabels, StageSplit split) =>
        augmentLabels is null
            ? StageRouting.Route(split, () => Stages.StageOf(t), Run(x, t))
            : throw new ArgumentException("SeparateNetworks takes no augmentation labels.", nameof(augmentLabels));

    private Func<int, Tensor?, Tensor> Run(Tensor x, Tensor t) => (stage, indices) => indices is null
        ? _networks[stage].Predict(x, t)
        : _networks[stage].Predict(x.index_select(0, indices), t.index_select(0, indices));
}
