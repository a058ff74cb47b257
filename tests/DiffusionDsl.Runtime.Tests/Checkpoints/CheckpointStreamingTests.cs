using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using DiffusionDsl.Runtime.Checkpoints;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Runtime.Training;
using DiffusionDsl.Tests.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Checkpoints;

[Collection(ChunkBytesCollection.Name)]
public sealed class CheckpointStreamingTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();
    private readonly int _chunkBytes = TensorStreaming.ChunkBytes;

    public void Dispose()
    {
        TensorStreaming.ChunkBytes = _chunkBytes;
        _scratch.Dispose();
    }

    private static List<KeyValuePair<string, Tensor>> Assorted(long seed)
    {
        var g = new Generator((ulong)seed);
        return new()
        {
            new("f32", randn(new long[] { 7, 13 }, generator: g)),
            new("f64", randn(new long[] { 3, 5, 7 }, dtype: ScalarType.Float64, generator: g)),
            new("f16", randn(new long[] { 101 }, generator: g).to(ScalarType.Float16)),
            new("bf16", randn(new long[] { 9, 9 }, generator: g).to(ScalarType.BFloat16)),
            new("i64", randint(-1000, 1000, new long[] { 33 }, dtype: ScalarType.Int64, generator: g)),
            new("u8", randint(0, 255, new long[] { 65 }, dtype: ScalarType.Byte, generator: g)),
            new("bool", rand(new long[] { 17 }, generator: g) > 0.5),
            new("scalar", tensor(3.25f)),
            new("empty", zeros(0, 4)),
            new("strided", randn(new long[] { 6, 4 }, generator: g).t()),
        };
    }

    [Fact]
    public void ARoundTripThroughSixtyFourByteChunksIsExact()
    {
        TensorStreaming.ChunkBytes = 64;
        var path = Path.Combine(_scratch.Path, "round.ckpt");
        var model = Assorted(1);
        var ema = Assorted(2);
        var optimizer = randn(1000);
        var states = new List<KeyValuePair<string, byte[]>> { new("a", new byte[] { 1, 2, 3 }), new("b", Array.Empty<byte>()) };
        CheckpointFile.Write(path, new CheckpointData("hash", 42, model, ema, states), writer => optimizer.Save(writer));

        using var checkpoint = CheckpointFile.Open(path);
        var data = checkpoint.Data;
        Assert.Equal(("hash", 42L), (data.ModelHash, data.Step));
        AssertSame(model, data.Model);
        AssertSame(ema, data.Ema);
        Assert.Equal(states.Select(s => (s.Key, Convert.ToHexString(s.Value))), data.RandomStates.Select(s => (s.Key, Convert.ToHexString(s.Value))));
        Tensor? loaded = null;
        checkpoint.ReadOptimizerState(reader => loaded = TensorExtensionMethods.Load(reader));
        Assert.True(optimizer.Equals(loaded!));
    }

    private static void AssertSame(List<KeyValuePair<string, Tensor>> expected, IReadOnlyList<KeyValuePair<string, Tensor>> actual)
    {
        Assert.Equal(expected.Select(p => p.Key), actual.Select(p => p.Key));
        foreach (var ((name, a), (_, b)) in expected.Zip(actual))
        {
            Assert.Equal(a.dtype, b.dtype);
            Assert.True(a.Equals(b), name);
        }
    }

    [Fact]
    public void SavingAndResumingAllocateFarLessThanTheCheckpointHolds()
    {
        TensorStreaming.ChunkBytes = 1 << 16;
        var vp = new VpSchedule();
        var model = new TinyMultistageModel(vp, TinyMultistageModel.ThreeStages(), hidden: 8192);
        using var trainer = new MultistageTrainer(model, vp, PredictionTarget.Eps, new TrainOptions
        {
            BatchSize = 4, Steps = 1, CheckpointEvery = 0, OutputDirectory = _scratch.Path, ModelHash = "big", Device = "cpu",
        });
        trainer.Train(TinyData.Source());

        long before = GC.GetAllocatedBytesForCurrentThread();
        var path = trainer.SaveCheckpoint();
        long writing = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        trainer.LoadCheckpoint(path);
        long reading = GC.GetAllocatedBytesForCurrentThread() - before;

        long size = new FileInfo(path).Length;
        Assert.True(size > 4_000_000, $"{size} bytes");
        Assert.True(writing < size / 8, $"writing {size} bytes allocated {writing}");
        Assert.True(reading < size / 8, $"reading {size} bytes allocated {reading}");
    }

    [Fact]
    public void AnOptimizerStateNotReadToItsEndIsNamed()
    {
        var path = Path.Combine(_scratch.Path, "leftover.ckpt");
        CheckpointFile.Write(path, new CheckpointData("h", 1, Assorted(3), Assorted(4), Array.Empty<KeyValuePair<string, byte[]>>()), writer => writer.Write(new byte[10]));
        using var checkpoint = CheckpointFile.Open(path);
        var error = Assert.Throws<CheckpointException>(() => checkpoint.ReadOptimizerState(reader => reader.ReadBytes(4)));
        Assert.Contains("not read to its end (6 bytes left)", error.Message);
    }

    /// <summary>A write that fails (a full disk, here a throwing optimizer state) leaves neither its temporary file nor a checkpoint, and keeps the one before.</summary>
    [Fact]
    public void AFailedWriteLeavesNoTemporaryFileBehind()
    {
        var path = Path.Combine(_scratch.Path, "failing.ckpt");
        CheckpointFile.Write(path, new CheckpointData("h", 1, Assorted(3), Assorted(4), Array.Empty<KeyValuePair<string, byte[]>>()));
        var before = File.ReadAllBytes(path);
        Assert.Throws<IOException>(() => CheckpointFile.Write(path, new CheckpointData("h", 2, Assorted(3), Assorted(4), Array.Empty<KeyValuePair<string, byte[]>>()),
                                                              _ => throw new IOException("No space left on device")));
        Assert.False(File.Exists(path + ".tmp"));
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void ACheckpointWithoutOptimizerStateSaysSo()
    {
        var path = Path.Combine(_scratch.Path, "weights-only.ckpt");
        CheckpointFile.Write(path, new CheckpointData("h", 1, Assorted(3), Assorted(4), Array.Empty<KeyValuePair<string, byte[]>>()));
        using var checkpoint = CheckpointFile.Open(path);
        Assert.False(checkpoint.HasOptimizerState);
        var error = Assert.Throws<CheckpointException>(() => checkpoint.ReadOptimizerState(_ => { }));
        Assert.Contains("holds no optimizer state", error.Message);
    }

    [Fact]
    public void TheFirstFormatIsNamed()
    {
        var path = Path.Combine(_scratch.Path, "old.ckpt");
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("DDCKPT01").Concat(new byte[100]).ToArray());
        var error = Assert.Throws<CheckpointException>(() => CheckpointFile.Open(path).Dispose());
        Assert.Contains("format DDCKPT01", error.Message);
    }
}
