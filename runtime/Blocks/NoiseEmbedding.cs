using System;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Blocks;

/// <summary>
/// EDM's PositionalEmbedding (endpoint=True, max_positions 10000) and FourierEmbedding (scale 16).
/// Returns [sin, cos] halves, the order SongUNet uses after its flip, computed in float32 whatever the labels' dtype
/// (the routing keeps t in float64); the encoder hands them on in its own dtype.
/// </summary>
public sealed class NoiseEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly NoiseEmbeddingKind _kind;
    private readonly int _channels;
    private readonly Tensor? freqs;

    public NoiseEmbedding(NoiseEmbeddingKind kind, int channels) : base(nameof(NoiseEmbedding))
    {
        _kind = kind;
        _channels = channels;
        if (kind == NoiseEmbeddingKind.Fourier) freqs = randn(channels / 2) * 16.0;
        RegisterComponents();
    }

    public override Tensor forward(Tensor noiseLabels)
    {
        Tensor angles;
        if (_kind == NoiseEmbeddingKind.Positional)
        {
            int half = _channels / 2;
            var f = arange(0, half, dtype: ScalarType.Float32, device: noiseLabels.device) / Math.Max(1, half - 1);
            f = pow(1.0 / 10000.0, f);
            angles = noiseLabels.to_type(ScalarType.Float32).ger(f);
        }
        else
        {
            angles = noiseLabels.to_type(ScalarType.Float32).ger(freqs!.to(ScalarType.Float32, noiseLabels.device) * (2 * Math.PI));
        }
        return cat(new[] { angles.sin(), angles.cos() }, 1);
    }
}
