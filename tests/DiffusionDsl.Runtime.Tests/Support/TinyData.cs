using DiffusionDsl.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Support;

/// <summary>Tiny structured images in [-1, 1]: horizontal and vertical ramps with random signs, 1 x 8 x 8.</summary>
internal static class TinyData
{
    public static Tensor Images(int count = 64, long seed = 0)
    {
        var g = new Generator((ulong)seed);
        var ramp = linspace(-1, 1, 8).view(1, 1, 1, 8);
        var horizontal = ramp.expand(count, 1, 8, 8);
        var vertical = ramp.transpose(2, 3).expand(count, 1, 8, 8);
        var choose = (rand(new long[] { count, 1, 1, 1 }, generator: g) > 0.5).to(ScalarType.Float32);
        var sign = (rand(new long[] { count, 1, 1, 1 }, generator: g) > 0.5).to(ScalarType.Float32) * 2 - 1;
        return (choose * horizontal + (1 - choose) * vertical) * sign;
    }

    public static TensorBatchSource Source(int count = 64, long seed = 0) => new(Images(count, seed));
}

/// <summary>Returns clean batches until a given call, then NaNs.</summary>
internal sealed class PoisonedBatchSource : IBatchSource
{
    private readonly IBatchSource _inner;
    private readonly int _poisonFromCall;
    private int _calls;

    public PoisonedBatchSource(IBatchSource inner, int poisonFromCall) { _inner = inner; _poisonFromCall = poisonFromCall; }

    public int Channels => _inner.Channels;
    public int Height => _inner.Height;
    public int Width => _inner.Width;

    public Tensor NextBatch(int batchSize, Generator? generator)
    {
        var batch = _inner.NextBatch(batchSize, generator);
        return ++_calls >= _poisonFromCall ? batch * float.NaN : batch;
    }
}
