using System.IO;
using System.IO.Compression;
using SkiaSharp;

namespace DiffusionDsl.Data.Tests.Data;

/// <summary>Writes small files in each supported format.</summary>
internal static class TestFiles
{
    public static byte[] Idx(int count, int height, int width, System.Func<int, byte> pixel)
    {
        var bytes = new byte[16 + count * height * width];
        bytes[2] = 0x08; bytes[3] = 3;
        WriteBigEndian(bytes, 4, count); WriteBigEndian(bytes, 8, height); WriteBigEndian(bytes, 12, width);
        for (int i = 0; i < count * height * width; i++) bytes[16 + i] = pixel(i);
        return bytes;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(data);
        return output.ToArray();
    }

    public static byte[] Cifar(int count, System.Func<int, byte> pixel)
    {
        var bytes = new byte[count * 3073];
        for (int i = 0; i < count; i++)
        {
            bytes[i * 3073] = (byte)(i % 10);
            for (int p = 0; p < 3072; p++) bytes[i * 3073 + 1 + p] = pixel(i * 3072 + p);
        }
        return bytes;
    }

    public static void Image(string path, int width, int height, SKColor color, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                bitmap.SetPixel(x, y, x == 0 ? SKColors.White : color);
        using var data = bitmap.Encode(format, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    private static void WriteBigEndian(byte[] bytes, int at, int value)
    {
        bytes[at] = (byte)(value >> 24); bytes[at + 1] = (byte)(value >> 16);
        bytes[at + 2] = (byte)(value >> 8); bytes[at + 3] = (byte)value;
    }
}
