using System;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Training;

/// <summary>Batches drawn uniformly with replacement from an in-memory tensor [N, C, H, W].</summary>
public sealed class TensorBatchSource : IFingerprintedBatchSource
{
    private readonly Tensor _data;

    public TensorBatchSource(Tensor data)
    {
        if (data.dim() != 4) throw new ArgumentException($"Expected data of shape [N, C, H, W], got [{string.Join(", ", data.shape)}].", nameof(data));
        if (data.shape[0] == 0) throw new ArgumentException("The data tensor holds no samples.", nameof(data));
        _data = data;
    }

    public int Channels => (int)_data.shape[1];
    public int Height => (int)_data.shape[2];
    public int Width => (int)_data.shape[3];
    public long Count => _data.shape[0];

    /// <summary>The images batches are drawn from (not a copy).</summary>
    public Tensor Images => _data;

    private string? _fingerprint;

    /// <summary>The images' count, shape and hash (computed once).</summary>
    public string Fingerprint => _fingerprint ??= Data.ImageFingerprint.Of(_data);

    public Tensor NextBatch(int batchSize, torch.Generator? generator)
    {
        using var index = randint(0, Count, new long[] { batchSize }, dtype: ScalarType.Int64, generator: generator);
        return _data.index_select(0, index.to(_data.device));
    }
}
