using System.Linq;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Staging;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionDsl.Benchmarks;

/// <summary>
/// A small conv net in the paper's shape: a shared two-conv encoder with a noise embedding, and per-stage
/// two-conv decoders whose widths follow the paper's 192 / 128 / 16 pattern scaled down. One stage of the
/// encoder's width is the unified model (encoder + stage-1 decoder = the unified net, as in the paper).
/// </summary>
internal sealed class BenchNetwork : nn.Module
{
    public readonly Conv2d encoderIn, encoderOut;
    public readonly Linear embedding;
    public readonly ModuleList<BenchDecoder> decoders;

    public BenchNetwork(int channels, int width, int[] decoderWidths) : base("bench")
    {
        encoderIn = nn.Conv2d(channels, width, 3, padding: 1);
        encoderOut = nn.Conv2d(width, width, 3, padding: 1);
        embedding = nn.Linear(1, width);
        decoders = nn.ModuleList(decoderWidths.Select(w => new BenchDecoder(width, w, channels)).ToArray());
        RegisterComponents();
    }
}

/// <summary>
/// One stage's two-conv decoder. A module of its own, not nn.Sequential: TorchSharp 0.107's Sequential, like its
/// ModuleDict, has two indexers, and Module.to fails on such a module (see runtime/Networks/NamedModules.cs).
/// </summary>
internal sealed class BenchDecoder : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv0, conv1, output;

    public BenchDecoder(int inputWidth, int width, int channels) : base("decoder")
    {
        conv0 = nn.Conv2d(inputWidth, width, 3, padding: 1);
        conv1 = nn.Conv2d(width, width, 3, padding: 1);
        output = nn.Conv2d(width, channels, 3, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor h) =>
        output.forward(nn.functional.silu(conv1.forward(nn.functional.silu(conv0.forward(h)))));
}

internal sealed class BenchModel : IMultistageModel
{
    private readonly BenchNetwork _network;
    private readonly INoiseSchedule _schedule;

    public BenchModel(INoiseSchedule schedule, StageTable stages, int channels, int width, int[] decoderWidths, long seed = 0)
    {
        random.manual_seed(seed);
        _network = new BenchNetwork(channels, width, decoderWidths);
        _schedule = schedule;
        Stages = stages;
    }

    public StageTable Stages { get; }
    public nn.Module Module => _network;
    public long ParameterCount => _network.parameters().Sum(p => p.numel());

    public Tensor Predict(Tensor x, Tensor t)
    {
        using var scope = NewDisposeScope();
        var labels = t.to(ScalarType.Float64).cpu().data<double>().Select(v => (float)(_schedule.NoiseLabel(v) / 1000.0)).ToArray();
        var e = _network.embedding.forward(tensor(labels, device: x.device).view(-1, 1));
        var h = nn.functional.silu(_network.encoderIn.forward(x) + e.view(-1, e.shape[1], 1, 1));
        h = nn.functional.silu(_network.encoderOut.forward(h));
        if (Stages.Count == 1) return _network.decoders[0].forward(h).MoveToOuterDisposeScope();
        var stage = Stages.StageOf(t);
        var output = zeros_like(x);
        for (int k = 0; k < Stages.Count; k++)
        {
            var index = (stage == k).nonzero().squeeze(1);
            if (index.numel() == 0) continue;
            output = output.index_copy(0, index, _network.decoders[k].forward(h.index_select(0, index)));
        }
        return output.MoveToOuterDisposeScope();
    }
}
