using System;

namespace DiffusionDsl.Runtime.Data;

/// <summary>
/// IDX files as MNIST and Fashion-MNIST ship them (raw or .gz): a big-endian magic 0x0000TTDD
/// (type TT = 0x08 for unsigned bytes, DD dimensions), the dimension sizes, then the data.
/// </summary>
public static class IdxReader
{
    private const byte UnsignedByteType = 0x08;

    /// <summary>An image file (3 dimensions: N, H, W) as single-channel images.</summary>
    public static RawImages ReadImages(string path)
    {
        var (dims, offset, bytes) = ReadHeader(path, expectedDimensions: 3);
        int count = dims[0], height = dims[1], width = dims[2];
        var pixels = new byte[(long)count * height * width];
        Buffer.BlockCopy(bytes, offset, pixels, 0, pixels.Length);
        return new RawImages(pixels, count, 1, height, width);
    }

    /// <summary>A label file (1 dimension).</summary>
    public static byte[] ReadLabels(string path)
    {
        var (dims, offset, bytes) = ReadHeader(path, expectedDimensions: 1);
        return bytes.AsSpan(offset, dims[0]).ToArray();
    }

    private static (int[] Dims, int Offset, byte[] Bytes) ReadHeader(string path, int expectedDimensions)
    {
        var bytes = FileBytes.Read(path);
        if (bytes.Length < 4) throw new DataFormatException(path, $"too short for an IDX header ({bytes.Length} bytes).");
        if (bytes[0] != 0 || bytes[1] != 0 || bytes[2] != UnsignedByteType || bytes[3] != expectedDimensions)
            throw new DataFormatException(path,
                $"wrong magic number 0x{bytes[0]:x2}{bytes[1]:x2}{bytes[2]:x2}{bytes[3]:x2}; an IDX file of unsigned bytes with {expectedDimensions} dimension(s) starts with 0x000008{expectedDimensions:x2}.");
        int offset = 4 + 4 * expectedDimensions;
        if (bytes.Length < offset) throw new DataFormatException(path, "truncated IDX header.");
        var dims = new int[expectedDimensions];
        long expected = 1;
        for (int d = 0; d < expectedDimensions; d++)
        {
            int at = 4 + 4 * d;
            dims[d] = (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
            if (dims[d] <= 0) throw new DataFormatException(path, $"dimension {d} has size {dims[d]}.");
            expected *= dims[d];
        }
        long actual = bytes.Length - offset;
        if (actual < expected)
            throw new DataFormatException(path, $"truncated: the header promises {expected} bytes of data, the file holds {actual}.");
        if (actual > expected)
            throw new DataFormatException(path, $"{actual - expected} unexpected bytes after the {expected} bytes of data.");
        return (dims, offset, bytes);
    }
}
