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
    public void ACountKeepsATrailingBlackImageThatInferenceDrops()
    {
        var (images, bytes) = Images(5, 1, 6, 9);
        images[4].fill_(-1); // all black, like an empty cell
        var path = File("black.png");
        SampleGrid.SavePng(images, path);

        Assert.Equal(4, SampleGridReader.Read(path).Images.Count);
        var counted = SampleGridReader.Read(path, count: 5).Images;
        Assert.Equal(5, counted.Count);
        Assert.Equal(bytes.Take(4 * 36), counted.Pixels.Take(4 * 36));
        Assert.All(counted.Pixels.Skip(4 * 36), b => Assert.Equal(0, b));
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
        Assert.Contains("holds 4 grid cells (2x2 of 8x8 pixels), fewer than the 5 images asked for", error.Message);
        Assert.Throws<DataFormatException>(() => SampleGridReader.Read(File("absent.png")));
    }
}
