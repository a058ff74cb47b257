using System;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Data;
using DiffusionDsl.Runtime.Reporting;
using DiffusionDsl.Tests.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Reporting;

/// <summary>SampleGridReader reads back exactly what SampleGrid.SavePng wrote.</summary>
public sealed class SampleGridReaderTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();
    public void Dispose() => _scratch.Dispose();

    private string File(string name) => _scratch.File(name);

    /// <summary>Random 8-bit images in [-1, 1] and their bytes as SampleGrid stores them.</summary>
    private static (Tensor Images, byte[] Bytes) Images(int n, int channels, int size, ulong seed)
    {
        var bytes = randint(0, 256, new long[] { n, channels, size, size }, dtype: ScalarType.Int64, generator: new Generator(seed));
        var images = bytes.to(ScalarType.Float32) / 127.5 - 1;
        return (images, bytes.to(ScalarType.Byte).data<byte>().ToArray());
    }

    [Theory]
    [InlineData(7, 1, 5, 3)]  // 3x3 cells, two empty; scale 3
    [InlineData(10, 1, 28, 1)]
    [InlineData(5, 3, 4, 2)]  // RGB
    [InlineData(1, 1, 6, 4)]
    public void InfersTheLayoutAndReturnsTheImagesExactly(int n, int channels, int size, int scale)
    {
        var (images, bytes) = Images(n, channels, size, (ulong)(n * 100 + size));
        var path = File("grid.png");
        SampleGrid.SavePng(images, path, scale: scale);

        var grid = SampleGridReader.Read(path);

        int columns = (int)Math.Ceiling(Math.Sqrt(n));
        Assert.Equal((n, channels, size, size), (grid.Images.Count, grid.Images.Channels, grid.Images.Height, grid.Images.Width));
        Assert.Equal((columns, (n + columns - 1) / columns, scale, 2), (grid.Columns, grid.Rows, grid.Scale, grid.Padding));
        Assert.Equal(bytes, grid.Images.Pixels);
        // Given the tile size, the same.
        Assert.Equal(bytes, SampleGridReader.Read(path, tile: size).Images.Pixels);
    }

    [Fact]
    public void TheRecordedCountKeepsATrailingBlackImageThatInferenceWouldDrop()
    {
        var (images, bytes) = Images(5, 1, 6, 9);
        images[4].fill_(-1); // all black, like an empty cell
        var path = File("black.png");
        SampleGrid.SavePng(images, path);

        var grid = SampleGridReader.Read(path);
        Assert.True(grid.CountRecorded);
        Assert.Equal(5, grid.Images.Count);
        Assert.Equal(bytes.Take(4 * 36), grid.Images.Pixels.Take(4 * 36));
        Assert.All(grid.Images.Pixels.Skip(4 * 36), b => Assert.Equal(0, b));
        Assert.Equal(3, SampleGridReader.Read(path, count: 3).Images.Count); // the first three
        var error = Assert.Throws<DataFormatException>(() => SampleGridReader.Read(path, count: 6));
        Assert.Contains("holds 5 images (as it records), fewer than the 6 asked for", error.Message);

        // The same pixels written by another tool (SkiaSharp alone) record nothing: the black cell is taken as empty
        // unless a count says otherwise.
        var foreign = File("foreign.png");
        using (var bitmap = SkiaSharp.SKBitmap.Decode(path))
        using (var image = SkiaSharp.SKImage.FromBitmap(bitmap))
        using (var png = image.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100))
            System.IO.File.WriteAllBytes(foreign, png.ToArray());
        var inferred = SampleGridReader.Read(foreign);
        Assert.False(inferred.CountRecorded);
        Assert.Equal(4, inferred.Images.Count);
        Assert.Equal(5, SampleGridReader.Read(foreign, count: 5).Images.Count);

        // A record that cannot be true (more images than cells) is said to be wrong, not trusted.
        var wrong = File("wrong.png");
        System.IO.File.WriteAllBytes(wrong, PngText.With(System.IO.File.ReadAllBytes(foreign), SampleGrid.CountKeyword, "50"));
        error = Assert.Throws<DataFormatException>(() => SampleGridReader.Read(wrong));
        Assert.Contains("records 50 images but has 6 grid cells (3x2 of 6x6 pixels)", error.Message);
        Assert.Equal(5, SampleGridReader.Read(wrong, count: 5).Images.Count);
    }

    [Fact]
    public void TheCountChunkIsAValidPngTextChunk()
    {
        var path = File("chunk.png");
        SampleGrid.SavePng(Images(3, 1, 4, 2).Images, path);
        Assert.Equal("3", PngText.Find(path, SampleGrid.CountKeyword));
        Assert.Null(PngText.Find(path, "other"));
        // Every chunk's CRC-32 (over type and data) is what PngText computes: those libpng wrote (IHDR, IDAT, IEND) show
        // the function is PNG's, and the tEXt chunk carries its own.
        var bytes = System.IO.File.ReadAllBytes(path);
        var types = new System.Collections.Generic.List<string>();
        for (int at = 8; at < bytes.Length;)
        {
            int length = (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
            types.Add(System.Text.Encoding.ASCII.GetString(bytes, at + 4, 4));
            uint stored = (uint)((bytes[at + 8 + length] << 24) | (bytes[at + 9 + length] << 16) | (bytes[at + 10 + length] << 8) | bytes[at + 11 + length]);
            Assert.Equal(stored, PngText.Crc32(bytes.AsSpan(at + 4, 4 + length)));
            at += 12 + length;
        }
        Assert.Equal(new[] { "IHDR", "tEXt" }, types.Take(2));
        Assert.Equal("IEND", types[^1]);
    }

    [Fact]
    public void WhatIsNoGridIsNamed()
    {
        var path = File("plain.png");
        SampleGrid.SavePng(Images(1, 3, 29, 1).Images, path, padding: 0);
        var error = Assert.Throws<DataFormatException>(() => SampleGridReader.Read(path));
        Assert.Contains("is 29x29 pixels with no 2-pixel black grid lines", error.Message);

        var grid = File("grid.png");
        SampleGrid.SavePng(Images(4, 1, 8, 2).Images, grid);
        error = Assert.Throws<DataFormatException>(() => SampleGridReader.Read(grid, tile: 7));
        Assert.Contains("no grid of 7x7 tiles", error.Message);
        error = Assert.Throws<DataFormatException>(() => SampleGridReader.Read(grid, count: 5));
        Assert.Contains("holds 4 images (as it records), fewer than the 5 asked for", error.Message);
        Assert.Throws<DataFormatException>(() => SampleGridReader.Read(File("absent.png")));
    }
}
