using System;
using System.IO;
using System.Linq;
using SkiaSharp;

namespace DiffusionDsl.Runtime.Data;

/// <summary>Every PNG or JPEG in a folder (sorted by name, not recursive), decoded with SkiaSharp.</summary>
public static class ImageFolderReader
{
    private static readonly string[] Extensions = { ".png", ".jpg", ".jpeg" };

    public static bool IsImageFile(string path) =>
        Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <param name="channels">3 for RGB, 1 for grey (luma, ITU-R BT.601 weights).</param>
    /// <param name="limit">Decode only the first N files (by name), as --limit asks: a large folder is not decoded whole for a few images.</param>
    /// <param name="imageSize">The side of the square images expected, when known: another size is refused at the first image.</param>
    public static RawImages Read(string folder, int channels = 3, int? limit = null, int? imageSize = null)
    {
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), "Use 1 (grey) or 3 (RGB) channels.");
        if (!Directory.Exists(folder)) throw new DataFormatException(folder, "folder not found.");
        var files = Directory.EnumerateFiles(folder).Where(IsImageFile).OrderBy(f => f, StringComparer.Ordinal).ToArray();
        if (files.Length == 0) throw new DataFormatException(folder, "holds no .png, .jpg or .jpeg files.");
        int available = files.Length;
        if (limit is int most && most < files.Length) files = files.Take(Math.Max(most, 1)).ToArray();

        int height = 0, width = 0, imageBytes = 0;
        byte[] pixels = Array.Empty<byte>();
        for (int i = 0; i < files.Length; i++)
        {
            using var bitmap = Decode(files[i]);
            if (i == 0)
            {
                (height, width) = (bitmap.Height, bitmap.Width);
                if (imageSize is int side && (width != side || height != side))
                    throw new DataFormatException(folder, $"its images are {width}x{height} ({Path.GetFileName(files[0])}), but the model takes {side}x{side} images.");
                imageBytes = channels * height * width;
                // Refused before the rest are decoded, naming the way out, rather than failing to allocate minutes later.
                if ((long)files.Length * imageBytes > FileBytes.MaxBytes)
                    throw new DataFormatException(folder,
                        $"holds {files.Length:N0} images of {channels}x{height}x{width}: {(long)files.Length * imageBytes:N0} bytes, more than the " +
                        $"{FileBytes.MaxBytes:N0} one data set may hold; use the first {FileBytes.MaxBytes / imageBytes:N0} at most (--limit).");
                pixels = new byte[(long)files.Length * imageBytes];
            }
            else if (bitmap.Height != height || bitmap.Width != width)
            {
                throw new DataFormatException(files[i],
                    $"image is {bitmap.Width}x{bitmap.Height}, but {Path.GetFileName(files[0])} is {width}x{height}; all images in a folder must have one size.");
            }
            CopyPlanes(bitmap.GetPixelSpan(), pixels.AsSpan(i * imageBytes, imageBytes), channels, height * width);
        }
        return new RawImages(pixels, files.Length, channels, height, width) { Available = available > files.Length ? available : null };
    }

    private static SKBitmap Decode(string path)
    {
        using var codec = SKCodec.Create(path, out var result);
        if (codec is null) throw new DataFormatException(path, $"not a decodable PNG or JPEG image ({result}).");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bitmap = new SKBitmap(info);
        var status = codec.GetPixels(info, bitmap.GetPixels());
        if (status is not (SKCodecResult.Success))
        {
            bitmap.Dispose();
            throw new DataFormatException(path, $"image data is truncated or corrupt ({status}).");
        }
        return bitmap;
    }

    /// <summary>Interleaved RGBA to planar [C, H, W].</summary>
    private static void CopyPlanes(ReadOnlySpan<byte> rgba, Span<byte> planes, int channels, int pixelCount)
    {
        for (int p = 0; p < pixelCount; p++)
        {
            byte r = rgba[4 * p], g = rgba[4 * p + 1], b = rgba[4 * p + 2];
            if (channels == 1)
            {
                planes[p] = (byte)Math.Round(0.299 * r + 0.587 * g + 0.114 * b);
            }
            else
            {
                planes[p] = r;
                planes[pixelCount + p] = g;
                planes[2 * pixelCount + p] = b;
            }
        }
    }
}
