using System;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Blocks;

/// <summary>
/// EDM's PositionalEmbedding (endpoint=True, max_positions 10000) and FourierEmbedding (scale 16).
/// Returns [sin, cos] halves, the order SongUNet uses after its flip, computed in float32 whatever the labels' dtype
/// (the routing keeps t in float64); the encoder hands them on in its own dtype. An ADM encoder's positional embedding
/// is openaimodel.py's timestep_embedding instead: frequencies 10000^(-i / half) (no endpoint) and [cos, sin].
/// </summary>
public sealed class NoiseEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly NoiseEmbeddingKind _kind;
    private readonly int _channels;
    private readonly Tensor? freqs;
    private readonly bool _timestepEmbedding;

    /// <param name="timestepEmbedding">ADM's timestep_embedding order and frequencies (positional only).</param>
    public NoiseEmbedding(NoiseEmbeddingKind kind, int channels, bool timestepEmbedding = false) : base(nameof(NoiseEmbedding))
    {
        _kind = kind;
        _channels = channels;
        _timestepEmbedding = timestepEmbedding && kind == NoiseEmbeddingKind.Positional;
        if (kind == NoiseEmbeddingKind.Fourier) freqs = randn(channels / 2) * 16.0;
        RegisterComponents();
    }

    public override Tensor forward(Tensor noiseLabels)
    {
        Tensor angles;
        if (_kind == NoiseEmbeddingKind.Positional)
        {
            int half = _channels / 2;
            var f = arange(0, half, dtype: ScalarType.Float32, device: noiseLabels.device);
            // The reference's own float32 arithmetic for each: at labels up to 999 a last-bit difference in a frequency shows.
            f = _timestepEmbedding ? f.mul(-Math.Log(10000.0)).div(half).exp() : pow(1.0 / 10000.0, f / Math.Max(1, half - 1));
            angles = noiseLabels.to_type(ScalarType.Float32).ger(f);
        }
        else
        {
            angles = noiseLabels.to_type(ScalarType.Float32).ger(freqs!.to(ScalarType.Float32, noiseLabels.device) * (2 * Math.PI));
        }
        return _timestepEmbedding ? cat(new[] { angles.cos(), angles.sin() }, 1) : cat(new[] { angles.sin(), angles.cos() }, 1);
    }
}
