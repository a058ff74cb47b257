using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Blocks.Adm;

/// <summary>
/// ADM's AttentionBlock with QKVAttentionLegacy (latent diffusion's default attention order): GroupNorm, a 1x1 Conv1d
/// to q, k and v, each head's q, k, v contiguous ([3 x head channels] per head), softmax(q^T k / sqrt(head channels))
/// in float32, then proj_out (zero-initialised), added to the input. Names: norm, qkv, proj_out.
/// </summary>
public sealed class AdmAttention : AdmLayer
{
    private readonly GroupNorm norm;
    private readonly Conv1d qkv;
    private readonly Conv1d proj_out;
    private readonly int _heads;

    public override int InChannels { get; }

    public AdmAttention(int channels, BlockOptions options) : base(nameof(AdmAttention))
    {
        InChannels = channels;
        _heads = options.HeadsFor(channels);
        norm = AdmInitialisation.Norm(channels, options.Groups);
        qkv = AdmInitialisation.Default(nn.Conv1d(channels, channels * 3, 1));
        proj_out = AdmInitialisation.Zero(nn.Conv1d(channels, channels, 1));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor embedding)
    {
        long n = x.shape[0], c = x.shape[1];
        var flat = x.reshape(n, c, -1);
        var parts = qkv.forward(norm.forward(flat)).reshape(n * _heads, 3 * (c / _heads), -1).chunk(3, 1);
        Tensor q = parts[0], k = parts[1], v = parts[2];
        var attended = einsum("bts,bcs->bct", Weights(q, k).to(v.dtype), v).reshape(n, c, -1);
        return flat.add(proj_out.forward(attended)).reshape(x.shape);
    }

    /// <summary>softmax over s of sum_c q[c, t] k[c, s] / sqrt(C), in float32 whatever the surrounding precision (the reference's softmax(weight.float())).</summary>
    private static Tensor Weights(Tensor q, Tensor k)
    {
        using var float32 = Training.Autocast.Suspend(q.device);
        double scale = 1.0 / Math.Sqrt(Math.Sqrt(q.shape[1]));
        return einsum("bct,bcs->bts", q.to(ScalarType.Float32) * scale, k.to(ScalarType.Float32) * scale).softmax(2);
    }
}
