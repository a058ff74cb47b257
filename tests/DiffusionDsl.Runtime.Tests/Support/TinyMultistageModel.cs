using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Staging;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Support;

/// <summary>A shared 3x3 conv encoder with a noise-label embedding, and one small conv decoder per stage.</summary>
internal sealed class TinyNetwork : nn.Module
{
    public readonly Conv2d encoder;
    public readonly Linear embedding;
    public readonly ModuleList<Conv2d> decoders;

    public TinyNetwork(int channels, int hidden, int stages) : base("tiny")
    {
        encoder = nn.Conv2d(channels, hidden, 3, padding: 1);
        embedding = nn.Linear(1, hidden);
        decoders = nn.ModuleList(Enumerable.Range(0, stages).Select(_ => nn.Conv2d(hidden, channels, 3, padding: 1)).ToArray());
        RegisterComponents();
    }
}

internal sealed class TinyMultistageModel : IMultistageModel
{
    private readonly TinyNetwork _network;
    private readonly INoiseSchedule _schedule;
    private readonly double _labelScale;

    /// <summary>Reproduces the reference code's fault: the whole batch goes through sample 0's decoder.</summary>
    public bool RouteByFirstSample { get; init; }

    public TinyMultistageModel(INoiseSchedule schedule, StageTable stages, int channels = 1, int hidden = 16, long seed = 0, double labelScale = 1000.0)
    {
        random.manual_seed(seed);
        _network = new TinyNetwork(channels, hidden, stages.Count);
        _schedule = schedule;
        _labelScale = labelScale;
        Stages = stages;
    }

    public static StageTable ThreeStages(double t1 = 0.4420, double t2 = 0.6308) =>
        new(new[] { new StageInfo("data", 0, t1), new StageInfo("middle", t1, t2), new StageInfo("noise", t2, 1) });

    public StageTable Stages { get; }
    public nn.Module Module => _network;

    /// <summary>A cost table for training-GFLOPs accounting; none unless a test gives one.</summary>
    public ModelCostTable? Cost { get; init; }

    public Tensor Predict(Tensor x, Tensor t)
    {
        using var scope = NewDisposeScope();
        var labels = t.to(ScalarType.Float64).cpu().data<double>().Select(v => (float)(_schedule.NoiseLabel(v) / _labelScale)).ToArray();
        var embedding = _network.embedding.forward(tensor(labels, device: x.device).view(-1, 1));
        var h = nn.functional.silu(_network.encoder.forward(x) + embedding.view(-1, embedding.shape[1], 1, 1));
        var stage = RouteByFirstSample ? full(t.shape[0], Stages.StageOf(t[0].item<float>()), dtype: ScalarType.Int64) : Stages.StageOf(t);
        var output = zeros_like(x);
        for (int k = 0; k < Stages.Count; k++)
        {
            var index = (stage == k).nonzero().squeeze(1).to(x.device);
            if (index.numel() == 0) continue;
            output = output.index_copy(0, index, _network.decoders[k].forward(h.index_select(0, index)));
        }
        return output.MoveToOuterDisposeScope();
    }
}
