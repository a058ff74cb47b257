using System;
using System.IO;
using SkiaSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Reporting;

/// <summary>Writes images [N, C, H, W] with values in [-1, 1] (C = 1 or 3) as one PNG grid.</summary>
public static class SampleGrid
{
    /// <summary>The largest grid written, in pixels: 16384 x 16384 RGBA is 1 GiB in memory before encoding.</summary>
    public const long MaxPixels = 1L << 28;

    /// <summary>The grid's width and height in pixels.</summary>
    public static (long Width, long Height) Size(int count, int height, int width, int? columns = null, int padding = 2, int scale = 1)
    {
        int cols = Columns(count, columns);
        long rows = (count + cols - 1L) / cols;
        return (cols * ((long)width * scale + padding) + padding, rows * ((long)height * scale + padding) + padding);
    }

    /// <summary>Images per row: the given number, or a square's.</summary>
    private static int Columns(int count, int? columns) => Math.Max(1, columns ?? (int)Math.Ceiling(Math.Sqrt(count)));

    /// <summary>Why a grid of these images cannot be written (too many pixels), or null.</summary>
    public static string? SizeProblem(int count, int height, int width, int? columns = null, int padding = 2, int scale = 1) =>
        ProblemOf(Size(count, height, width, columns, padding, scale));

    private static string? ProblemOf((long Width, long Height) size) =>
        size.Width * size.Height > MaxPixels || size.Width > int.MaxValue || size.Height > int.MaxValue
            ? $"the grid would be {size.Width:N0} x {size.Height:N0} pixels, more than the {MaxPixels:N0} a grid may have"
            : null;

    /// <summary>The PNG text keyword under which a grid records its image count (<see cref="SampleGridReader"/> reads it).</summary>
    public const string CountKeyword = "diffusiondsl.count";

    public static void SavePng(Tensor images, string path, int? columns = null, int padding = 2, int scale = 1)
    {
        if (images.dim() != 4 || images.shape[1] is not (1 or 3))
            throw new ArgumentException($"Expected images [N, 1 or 3, H, W], got [{string.Join(", ", images.shape)}].", nameof(images));
        int count = (int)images.shape[0], channels = (int)images.shape[1], height = (int)images.shape[2], width = (int)images.shape[3];
        var (gridWidth, gridHeight) = Size(count, height, width, columns, padding, scale);
        if (ProblemOf((gridWidth, gridHeight)) is { } tooLarge) throw new ArgumentException($"{path}: {tooLarge}.", nameof(scale));
        int cols = Columns(count, columns);
        int cellW = width * scale, cellH = height * scale;

        byte[] pixels;
        using (NewDisposeScope())
            pixels = Evaluation.EightBitImages.Levels(images.detach().cpu().to(ScalarType.Float32)).to(ScalarType.Byte).contiguous().data<byte>().ToArray();

        using var bitmap = new SKBitmap((int)gridWidth, (int)gridHeight, SKColorType.Rgba8888, SKAlphaType.Opaque);
        bitmap.Erase(SKColors.Black);
        for (int n = 0; n < count; n++)
        {
            int left = padding + n % cols * (cellW + padding), top = padding + n / cols * (cellH + padding);
            for (int y = 0; y < cellH; y++)
            for (int x = 0; x < cellW; x++)
            {
                int source = n * channels * height * width + y / scale * width + x / scale;
                byte r = pixels[source];
                byte g = channels == 3 ? pixels[source + height * width] : r;
                byte b = channels == 3 ? pixels[source + 2 * height * width] : r;
                bitmap.SetPixel(left + x, top + y, new SKColor(r, g, b));
            }
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        PngText.Write(file, png.AsSpan(), CountKeyword, count.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
