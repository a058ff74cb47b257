using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Blocks;

/// <summary>What a residual block does to resolution.</summary>
public enum Resample { None, Down, Up }

/// <summary>
/// EDM's UNetBlock as configured by DDPM++ and NCSN++ (SongUNet): GroupNorm-SiLU-conv, an additive noise
/// embedding, GroupNorm-SiLU-dropout-conv, a 1x1 skip projection when channels or resolution
/// change, skip_scale sqrt(1/2), and optional single-head self-attention (norm2, qkv, proj); an up/down block
/// resamples with its family's filter (<see cref="Resampling"/>).
/// Layer names, shapes and initialisation are EDM's, so weights load by name.
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
    private readonly GroupNorm? norm2;
    private readonly Conv2d? qkv;
    private readonly Conv2d? proj;
    private readonly Resample _resample;
    private readonly double _dropout;
    private readonly int _heads;
    private readonly Networks.ResampleFilter _filter;

    public int InChannels { get; }
    public int OutChannels { get; }
    public bool Attends => qkv is not null;

    /// <summary>The block <paramref name="plan"/> describes (<see cref="Networks.NetworkPlan"/>).</summary>
    public UNetBlock(Networks.BlockPlan plan, int embeddingChannels, BlockOptions options)
        : this(plan.InChannels, plan.OutChannels, embeddingChannels, options, plan.Attention,
               plan.Kind switch { Networks.BlockKind.Down => Resample.Down, Networks.BlockKind.Up => Resample.Up, _ => Resample.None })
    {
    }

    public UNetBlock(int inChannels, int outChannels, int embeddingChannels, BlockOptions options,
        bool attention = false, Resample resample = Resample.None) : base(nameof(UNetBlock))
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        _resample = resample;
        _dropout = options.Dropout;
        _heads = attention ? options.HeadsFor(outChannels) : 1;
        _filter = options.Filter;
        norm0 = InitialisedGroupNorm.Create(inChannels, options.Groups);
        conv0 = Initialisation.XavierUniform(nn.Conv2d(inChannels, outChannels, 3, padding: 1));
        affine = Initialisation.XavierUniform(nn.Linear(embeddingChannels, outChannels));
        norm1 = InitialisedGroupNorm.Create(outChannels, options.Groups);
        conv1 = Initialisation.XavierUniform(nn.Conv2d(outChannels, outChannels, 3, padding: 1), Initialisation.NearZero);
        if (inChannels != outChannels || resample != Resample.None)
            skip = Initialisation.XavierUniform(nn.Conv2d(inChannels, outChannels, 1));
        if (attention)
        {
            norm2 = InitialisedGroupNorm.Create(outChannels, options.Groups);
            qkv = Initialisation.XavierUniform(nn.Conv2d(outChannels, outChannels * 3, 1), Initialisation.Attention);
            proj = Initialisation.XavierUniform(nn.Conv2d(outChannels, outChannels, 1), Initialisation.NearZero);
        }
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
        if (qkv is not null) x = Attend(x).mul_(SkipScale);
        return x;
    }

    /// <summary>softmax(q^T k / sqrt(c)) over all positions, per head, then proj, added to x.</summary>
    private Tensor Attend(Tensor x)
    {
        long n = x.shape[0], c = x.shape[1];
        var parts = qkv!.forward(norm2!.forward(x)).reshape(n * _heads, c / _heads, 3, -1).unbind(2);
        Tensor q = parts[0], k = parts[1], v = parts[2];
        var attended = einsum("nqk,nck->ncq", AttentionWeights(q, k).to(v.dtype), v);
        return proj!.forward(attended.reshape(x.shape)).add_(x);
    }

    /// <summary>
    /// softmax(q^T k / sqrt(c)) in float32 whatever the surrounding precision, as EDM's AttentionOp computes it (also
    /// under its fp16 mode): under bf16 autocast the logits of a wide attention would otherwise keep 8 bits of mantissa.
    /// </summary>
    internal static Tensor AttentionWeights(Tensor q, Tensor k)
    {
        using var float32 = Training.Autocast.Suspend(q.device);
        return einsum("ncq,nck->nqk", q.to(ScalarType.Float32), (k / Math.Sqrt(k.shape[1])).to(ScalarType.Float32)).softmax(2);
    }

    private Tensor ResampleOf(Tensor x) => _resample switch
    {
        Resample.Down => Resampling.Down(x, _filter),
        Resample.Up => Resampling.Up(x, _filter),
        _ => x,
    };
}

/// <summary>Settings shared by every residual block of a network.</summary>
public sealed record BlockOptions(double Dropout, GroupNormRule Groups, int Heads, Networks.ResampleFilter Filter = Networks.ResampleFilter.Box, int HeadChannels = 0)
{
    /// <summary>The heads of an attention over <paramref name="channels"/> (<see cref="AttentionHeads"/>; the checker has refused widths they do not divide).</summary>
    public int HeadsFor(int channels) => AttentionHeads.For(channels, Heads, HeadChannels)
        ?? throw new System.ArgumentException($"{AttentionHeads.Describe(Heads, HeadChannels)} do not divide {channels} channels.", nameof(channels));
}
