using TorchSharp;
using TorchSharp.Modules;
using DiffusionDsl.Runtime.Networks;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Blocks.Adm;

/// <summary>
/// ADM's ResBlock (openaimodel.py, use_scale_shift_norm False): in_layers GroupNorm-SiLU-3x3 conv, plus a linear
/// projection of the noise embedding, then out_layers GroupNorm-SiLU-dropout-3x3 conv (zero-initialised), added to the
/// input (through a 1x1 conv when the widths differ). No skip scale. Layer names are the reference's: in_layers.0/.2,
/// emb_layers.1, out_layers.0/.3, skip_connection. The encoder hands every block SiLU(embedding) already, which is what
/// emb_layers' own SiLU computes.
/// </summary>
public sealed class AdmResBlock : AdmLayer
{
    private readonly NamedModules in_layers = new();
    private readonly NamedModules emb_layers = new();
    private readonly NamedModules out_layers = new();
    private readonly Conv2d? skip_connection;
    private readonly GroupNorm _inNorm, _outNorm;
    private readonly Conv2d _inConv, _outConv;
    private readonly Linear _embedding;
    private readonly double _dropout;
    private bool _registered;

    public override int InChannels { get; }

    public AdmResBlock(int inChannels, int outChannels, int embeddingChannels, BlockOptions options) : base(nameof(AdmResBlock))
    {
        InChannels = inChannels;
        _dropout = options.Dropout;
        _inNorm = AdmInitialisation.Norm(inChannels, options.Groups);
        _inConv = AdmInitialisation.Default(nn.Conv2d(inChannels, outChannels, 3, padding: 1));
        _embedding = AdmInitialisation.Default(nn.Linear(embeddingChannels, outChannels));
        _outNorm = AdmInitialisation.Norm(outChannels, options.Groups);
        _outConv = AdmInitialisation.Zero(nn.Conv2d(outChannels, outChannels, 3, padding: 1));
        if (inChannels != outChannels) skip_connection = AdmInitialisation.Default(nn.Conv2d(inChannels, outChannels, 1));
        in_layers.Add("0", _inNorm);
        in_layers.Add("2", _inConv);
        emb_layers.Add("1", _embedding);
        out_layers.Add("0", _outNorm);
        out_layers.Add("3", _outConv);
        RegisterComponents();
    }

    // Registered by hand: the typed shortcuts must not appear a second time in state_dict.
    protected override void RegisterComponents()
    {
        if (_registered) return;
        _registered = true;
        register_module(nameof(in_layers), in_layers);
        register_module(nameof(emb_layers), emb_layers);
        register_module(nameof(out_layers), out_layers);
        if (skip_connection is not null) register_module(nameof(skip_connection), skip_connection);
    }

    public override Tensor forward(Tensor x, Tensor embedding)
    {
        var h = _inConv.forward(nn.functional.silu(_inNorm.forward(x)));
        h = h.add(_embedding.forward(embedding).unsqueeze(2).unsqueeze(3));
        h = nn.functional.silu(_outNorm.forward(h));
        h = _outConv.forward(nn.functional.dropout(h, _dropout, training));
        return h.add_(skip_connection is null ? x : skip_connection.forward(x));
    }
}
