using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Blocks;

/// <summary>EDM UNetBlock's attention: softmax(q^T k / sqrt(c)) over all positions, one or more heads.</summary>
public sealed class SelfAttention : nn.Module<Tensor, Tensor>
{
    private readonly GroupNorm norm2;
    private readonly Conv2d qkv;
    private readonly Conv2d proj;
    private readonly int _heads;

    public SelfAttention(int channels, int heads, int groups) : base(nameof(SelfAttention))
    {
        _heads = heads;
        norm2 = InitialisedGroupNorm.Create(channels, groups);
        qkv = nn.Conv2d(channels, channels * 3, 1);
        proj = nn.Conv2d(channels, channels, 1);
        Initialisation.ScaleWeights(proj, 1e-5);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        long n = x.shape[0], c = x.shape[1];
        var parts = qkv.forward(norm2.forward(x)).reshape(n * _heads, c / _heads, 3, -1).unbind(2);
        Tensor q = parts[0], k = parts[1], v = parts[2];
        var weights = einsum("ncq,nck->nqk", q, k / Math.Sqrt(q.shape[1])).softmax(2);
        var attended = einsum("nqk,nck->ncq", weights, v);
        return proj.forward(attended.reshape(x.shape)).add_(x);
    }
}
