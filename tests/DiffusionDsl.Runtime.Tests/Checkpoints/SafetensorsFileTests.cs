using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using DiffusionDsl.Runtime.Checkpoints;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Tests.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Checkpoints;

[Collection(ChunkBytesCollection.Name)]
public sealed class SafetensorsFileTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();
    private readonly int _chunkBytes = TensorStreaming.ChunkBytes;

    public void Dispose()
    {
        TensorStreaming.ChunkBytes = _chunkBytes;
        _scratch.Dispose();
    }

    private string File(string name) => _scratch.File(name);

    [Fact]
    public void EveryDtypeRoundTripsExactlyThroughSixtyFourByteChunks()
    {
        TensorStreaming.ChunkBytes = 64;
        var g = new Generator(3);
        var tensors = new List<KeyValuePair<string, Tensor>>
        {
            new("f32", randn(new long[] { 7, 13 }, generator: g)),
            new("f64", randn(new long[] { 3, 5, 7 }, dtype: ScalarType.Float64, generator: g)),
            new("f16", randn(new long[] { 101 }, generator: g).to(ScalarType.Float16)),
            new("bf16", randn(new long[] { 9, 9 }, generator: g).to(ScalarType.BFloat16)),
            new("i64", randint(long.MinValue / 2, long.MaxValue / 2, new long[] { 33 }, dtype: ScalarType.Int64, generator: g)),
            new("i32", randint(-100000, 100000, new long[] { 3, 11 }, dtype: ScalarType.Int32, generator: g)),
            new("i16", randint(-30000, 30000, new long[] { 21 }, dtype: ScalarType.Int16, generator: g)),
            new("i8", randint(-128, 127, new long[] { 19 }, dtype: ScalarType.Int8, generator: g)),
            new("u8", randint(0, 255, new long[] { 65 }, dtype: ScalarType.Byte, generator: g)),
            new("bool", rand(new long[] { 17 }, generator: g) > 0.5),
            new("scalar", tensor(3.25f)),
            new("empty", zeros(0, 4)),
            new("transposed", randn(new long[] { 6, 4 }, generator: g).t()),
        };
        var path = File("all.safetensors");
        SafetensorsWriter.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ü" });

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(tensors.Select(t => t.Key), file.Tensors.Select(t => t.Name));
        Assert.Equal("ü", file.Metadata["note"]);
        long headerBytes = new FileInfo(path).Length - 8 - file.Tensors.Sum(t => t.ByteLength);
        Assert.Equal(0, headerBytes % 8);
        foreach (var (name, expected) in tensors)
        {
            using var actual = file.Read(name);
            Assert.Equal(expected.dtype, actual.dtype);
            Assert.Equal(expected.shape, actual.shape);
            Assert.True(expected.Equals(actual), name);
        }
    }

    /// <summary>A file laid out by hand: 8-byte length, JSON header, little-endian data in another order than the header's.</summary>
    private string HandWritten(string header, params byte[][] data)
    {
        var path = File(Guid.NewGuid().ToString("N") + ".safetensors");
        var json = Encoding.UTF8.GetBytes(header);
        System.IO.File.WriteAllBytes(path, BitConverter.GetBytes((long)json.Length).Concat(json).Concat(data.SelectMany(d => d)).ToArray());
        return path;
    }

    [Fact]
    public void ReadsAFileWrittenByHand()
    {
        var path = HandWritten(
            """{"__metadata__":{"format":"pt"},"half":{"dtype":"F16","shape":[2],"data_offsets":[8,12]},"ints":{"dtype":"I32","shape":[1,2],"data_offsets":[0,8]},"brain":{"dtype":"BF16","shape":[],"data_offsets":[12,14]}}  """,
            new byte[] { 7, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF }, new byte[] { 0x00, 0x3C, 0x00, 0xC0 }, new byte[] { 0xC0, 0x3F });
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(new[] { "half", "ints", "brain" }, file.Tensors.Select(t => t.Name));
        Assert.Equal(new[] { 1f, -2f }, file.Read("half").to(ScalarType.Float32).data<float>().ToArray());
        Assert.Equal(new[] { 7, -1 }, file.Read("ints").data<int>().ToArray());
        Assert.Equal(new long[] { 1, 2 }, file.Read("ints").shape);
        Assert.Equal(1.5f, file.Read("brain").to(ScalarType.Float32).item<float>());
    }

    [Fact]
    public void ReadsTheFileWrittenByHandInPython()
    {
        using var file = SafetensorsFile.Open(Path.Combine(AppContext.BaseDirectory, "Checkpoints", "Fixtures", "multistage-tiny.io.safetensors"));
        Assert.Equal(new long[] { 2, 1, 8, 8 }, file.Read("x").shape);
        Assert.Equal(new[] { -0.3f, 0.7f }, file.Read("noise_labels").data<float>().ToArray());
        Assert.Equal("pt", file.Metadata["format"]);
    }

    [Theory]
    [InlineData("""{"w":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}}""", 2, "tensor 'w': dtype \"F8_E4M3\" is not supported")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}}""", 12, "tensor 'w': shape [2, 2] of F32 needs 16 bytes but \"data_offsets\" [0, 12] hold 12")]
    [InlineData("""{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", 8, "tensor 'w': \"shape\" holds -2, not a non-negative integer")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[8]}}""", 8, "tensor 'w': \"data_offsets\" has 1 numbers, not 2")]
    [InlineData("""{"w":{"shape":[2],"data_offsets":[0,8]}}""", 8, "tensor 'w': no \"dtype\" string")]
    [InlineData("""{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}}""", 6, "tensor 'b': its bytes [2, 6) overlap tensor 'a' [0, 4)")]
    [InlineData("""{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[2],"data_offsets":[6,8]}}""", 8, "tensor 'b': its bytes begin at 6, leaving a gap after byte 4")]
    [InlineData("""{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}""", 2, "truncated: tensor 'a' ends at data byte 4 but the file holds 2 data bytes")]
    [InlineData("""{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}""", 9, "corrupt: 5 bytes after the last tensor's data")]
    [InlineData("""{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"a":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}""", 8, "tensor 'a' appears twice")]
    [InlineData("""{"__metadata__":{"epoch":3}}""", 0, "__metadata__ entry 'epoch' is not a string")]
    [InlineData("""{"a":""", 0, "the safetensors header is not valid JSON")]
    [InlineData("""[1, 2]""", 0, "not a safetensors file: its header does not start with '{'")]
    public void ABadHeaderIsNamedWithTheFileAndTheTensor(string header, int dataBytes, string problem)
    {
        var path = HandWritten(header, new byte[dataBytes]);
        var error = Assert.Throws<CheckpointException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Contains(problem, error.Message);
        Assert.Contains(path, error.Message);
    }

    /// <summary>A PyTorch .pth (a zip) where safetensors belongs, e.g. pytorch-fid's Inception weights as downloaded, says what it is.</summary>
    [Fact]
    public void APyTorchZipIsNamedAsOne()
    {
        var path = File("pt_inception-2015-12-05-6726825d.pth");
        System.IO.File.WriteAllBytes(path, new byte[] { (byte)'P', (byte)'K', 3, 4, 20, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0 });
        var error = Assert.Throws<CheckpointException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Contains("a zip archive, as PyTorch's torch.save writes a .pth or .pt, not a safetensors file", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void AHeaderLongerThanTheFileIsTruncation()
    {
        var path = File("short.safetensors");
        System.IO.File.WriteAllBytes(path, BitConverter.GetBytes(1000L).Concat(Encoding.ASCII.GetBytes("{}")).ToArray());
        var error = Assert.Throws<CheckpointException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Contains("truncated: the safetensors header needs 1000 bytes but the file holds 2", error.Message);

        var missing = Assert.Throws<CheckpointException>(() => SafetensorsFile.Open(File("none.safetensors")));
        Assert.Contains("file not found", missing.Message);
    }
}
