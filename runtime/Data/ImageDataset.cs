using System;
using DiffusionDsl.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Data;

/// <summary>
/// A preloaded dataset, [N, C, H, W] float32 in [-1, 1], served in shuffled epochs: every image once
/// per epoch, in an order drawn from the generator, optionally flipped left-right.
/// </summary>
public sealed class ImageDataset : IResumableBatchSource, IFingerprintedBatchSource, IDisposable
{
    private readonly DatasetOptions _options;
    private readonly Generator _ownGenerator;
    private Tensor? _order;
    private long _cursor;

    public Tensor Images { get; }
    public long Count => Images.shape[0];
    public int Channels => (int)Images.shape[1];
    public int Height => (int)Images.shape[2];
    public int Width => (int)Images.shape[3];

    private string? _fingerprint;

    /// <summary>The images' count, shape and hash (computed once).</summary>
    public string Fingerprint => _fingerprint ??= ImageFingerprint.Of(Images);

    /// <summary>Takes ownership of <paramref name="images"/>, which must already be in [-1, 1].</summary>
    public ImageDataset(Tensor images, DatasetOptions? options = null)
    {
        if (images.dim() != 4) throw new ArgumentException($"Expected images of shape [N, C, H, W], got [{string.Join(", ", images.shape)}].", nameof(images));
        if (images.shape[0] == 0) throw new ArgumentException("The dataset holds no images.", nameof(images));
        _options = options ?? new DatasetOptions();
        if (images.dtype == ScalarType.Float32) Images = images;
        else
        {
            Images = images.to_type(ScalarType.Float32);
            images.Dispose(); // owned, and replaced by its float32 copy
        }
        _ownGenerator = new Generator((ulong)_options.Seed);
    }

    /// <summary>Scales 8-bit pixels v to v / 127.5 - 1.</summary>
    public static ImageDataset FromRaw(RawImages raw, DatasetOptions? options = null)
    {
        int count = options?.Limit is int limit ? Math.Min(limit, raw.Count) : raw.Count;
        var pixels = raw.Pixels.AsSpan(0, count * raw.ImageSize).ToArray();
        using var bytes = tensor(pixels, new long[] { count, raw.Channels, raw.Height, raw.Width });
        var scaled = bytes.to_type(ScalarType.Float32).div_(127.5).sub_(1.0);
        return new ImageDataset(scaled, options);
    }

    /// <summary>Images given in [0, 1] (e.g. from another pipeline), rescaled to [-1, 1].</summary>
    public static ImageDataset FromUnitRange(Tensor images, DatasetOptions? options = null)
    {
        using var asFloat = images.to_type(ScalarType.Float32);
        return new(asFloat.mul(2.0).sub_(1.0), options);
    }

    public Tensor NextBatch(int batchSize, Generator? generator)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize));
        var random = generator ?? _ownGenerator;
        using var scope = NewDisposeScope();
        var parts = new System.Collections.Generic.List<Tensor>();
        long needed = batchSize;
        while (needed > 0)
        {
            if (_order is null || _cursor >= Count)
            {
                _order?.Dispose();
                _order = randperm(Count, generator: random).DetachFromDisposeScope();
                _cursor = 0;
            }
            long take = Math.Min(needed, Count - _cursor);
            parts.Add(_order.narrow(0, _cursor, take));
            _cursor += take;
            needed -= take;
        }
        var index = parts.Count == 1 ? parts[0] : cat(parts.ToArray(), 0);
        var batch = Images.index_select(0, index);
        if (_options.HorizontalFlip) batch = RandomHorizontalFlip.Apply(batch, random);
        return batch.MoveToOuterDisposeScope();
    }

    /// <summary>The epoch's order and the cursor into it: image count, cursor, then the order (int64s; just -1 before the first batch).</summary>
    public byte[] SaveState()
    {
        if (_order is null) return BitConverter.GetBytes(-1L);
        var state = new byte[16 + 8 * Count];
        BitConverter.TryWriteBytes(state.AsSpan(0, 8), Count);
        BitConverter.TryWriteBytes(state.AsSpan(8, 8), _cursor);
        _order.bytes.CopyTo(state.AsSpan(16));
        return state;
    }

    public void LoadState(byte[] state)
    {
        if (state.Length < 8) return;
        long count = BitConverter.ToInt64(state, 0);
        if (count == -1)
        {
            _order?.Dispose();
            _order = null;
            return;
        }
        if (count != Count || state.Length != 16 + 8 * Count) return;
        var order = empty(Count, dtype: ScalarType.Int64).DetachFromDisposeScope();
        order.bytes = state.AsSpan(16);
        _order?.Dispose();
        _order = order;
        _cursor = BitConverter.ToInt64(state, 8);
    }

    public void Dispose()
    {
        _order?.Dispose();
        Images.Dispose();
        _ownGenerator.Dispose();
    }
}
