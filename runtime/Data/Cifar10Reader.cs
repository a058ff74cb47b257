using System;

namespace DiffusionDsl.Runtime.Data;

/// <summary>CIFAR-10 binary batches: records of one label byte then 3x32x32 bytes (R, G, B planes).</summary>
public static class Cifar10Reader
{
    public const int Channels = 3, Height = 32, Width = 32;
    private const int ImageBytes = Channels * Height * Width;
    private const int RecordBytes = 1 + ImageBytes;

    public static RawImages ReadImages(string path) => Read(path).Images;

    public static (RawImages Images, byte[] Labels) Read(string path)
    {
        var bytes = FileBytes.Read(path);
        if (bytes.Length == 0) throw new DataFormatException(path, "empty file; expected CIFAR-10 records of 3073 bytes.");
        if (bytes.Length % RecordBytes != 0)
            throw new DataFormatException(path,
                $"truncated or not a CIFAR-10 binary batch: {bytes.Length} bytes is not a whole number of 3073-byte records.");
        int count = bytes.Length / RecordBytes;
        var pixels = new byte[(long)count * ImageBytes];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = bytes[i * RecordBytes];
            if (labels[i] > 9) throw new DataFormatException(path, $"record {i} has label {labels[i]}; CIFAR-10 labels are 0 to 9.");
            Buffer.BlockCopy(bytes, i * RecordBytes + 1, pixels, i * ImageBytes, ImageBytes);
        }
        return (new RawImages(pixels, count, Channels, Height, Width), labels);
    }
}
