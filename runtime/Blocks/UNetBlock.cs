using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Blocks;

/// <summary>What a residual block does to resolution.</summary>
public enum Resample { None, Down, Up }

/// <summary>
/// EDM's UNetBlock as configured by DDPM++ (SongUNet): GroupNorm-SiLU-conv, an additive noise
/// embedding, GroupNorm-SiLU-dropout-conv, a 1x1 skip projection when channels or resolution
/// change, skip_scale sqrt(1/2), and optional self-attention. Layer-compatible with EDM's.
/// </summary>
public sealed class UNetBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private static readonly double SkipScale = Math.Sqrt(0.5);

    private readonly GroupNorm norm0;
    private readonly Conv2d conv0;
    private readonly Linear affine;
    private readonly GroupNorm norm1;
    private readonly Conv2d conv1;
    private readonly Conv2d? skip;
    private readonly SelfAttention? attention;
    private readonly Resample _resample;
    private readonly double _dropout;

    public int InChannels { get; }
    public int OutChannels { get; }

    public UNetBlock(int inChannels, int outChannels, int embeddingChannels, BlockOptions options,
        bool attention = false, Resample resample = Resample.None) : base(nameof(UNetBlock))
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        _resample = resample;
        _dropout = options.Dropout;
        norm0 = InitialisedGroupNorm.Create(inChannels, options.Groups);
        conv0 = nn.Conv2d(inChannels, outChannels, 3, padding: 1);
        affine = nn.Linear(embeddingChannels, outChannels);
        norm1 = InitialisedGroupNorm.Create(outChannels, options.Groups);
        conv1 = nn.Conv2d(outChannels, outChannels, 3, padding: 1);
        Initialisation.ScaleWeights(conv1, 1e-5);
        if (inChannels != outChannels || resample != Resample.None) skip = nn.Conv2d(inChannels, outChannels, 1);
        if (attention) this.attention = new SelfAttention(outChannels, options.Heads, options.Groups);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor embedding)
    {
        var orig = x;
        x = nn.functional.silu(norm0.forward(x));
        x = conv0.forward(ResampleOf(x));
        x = x.add(affine.forward(embedding).unsqueeze(2).unsqueeze(3));
        x = nn.functional.silu(norm1.forward(x));
        x = conv1.forward(nn.functional.dropout(x, _dropout, training));
        var shortcut = skip is null ? orig : skip.forward(ResampleOf(orig));
        x = x.add_(shortcut).mul_(SkipScale);
        if (attention is not null) x = attention.forward(x).mul_(SkipScale);
        return x;
    }

    private Tensor ResampleOf(Tensor x) => _resample switch
    {
        Resample.Down => Resampling.Down(x),
        Resample.Up => Resampling.Up(x),
        _ => x,
    };
}

/// <summary>Settings shared by every residual block of a network.</summary>
public sealed record BlockOptions(double Dropout, int Groups, int Heads);
