using System;
using System.IO;

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
        var (dims, pixels) = Read(path, expectedDimensions: 3);
        return new RawImages(pixels, dims[0], 1, dims[1], dims[2]);
    }

    /// <summary>A label file (1 dimension).</summary>
    public static byte[] ReadLabels(string path) => Read(path, expectedDimensions: 1).Data;

    /// <summary>The header first, then exactly the bytes it promises: the data is read once, into its own array.</summary>
    private static (int[] Dims, byte[] Data) Read(string path, int expectedDimensions)
    {
        using var stream = FileBytes.Open(path, out long? length);
        var header = new byte[4 + 4 * expectedDimensions];
        int got = FileBytes.Fill(stream, header.AsSpan(0, 4), path);
        if (got < 4) throw new DataFormatException(path, $"too short for an IDX header ({got} bytes).");
        if (header[0] != 0 || header[1] != 0 || header[2] != UnsignedByteType || header[3] != expectedDimensions)
            throw new DataFormatException(path,
                $"wrong magic number 0x{header[0]:x2}{header[1]:x2}{header[2]:x2}{header[3]:x2}; an IDX file of unsigned bytes with {expectedDimensions} dimension(s) starts with 0x000008{expectedDimensions:x2}.");
        if (FileBytes.Fill(stream, header.AsSpan(4), path) < header.Length - 4) throw new DataFormatException(path, "truncated IDX header.");

        var dims = new int[expectedDimensions];
        long expected = 1;
        for (int d = 0; d < expectedDimensions; d++)
        {
            int at = 4 + 4 * d;
            dims[d] = (header[at] << 24) | (header[at + 1] << 16) | (header[at + 2] << 8) | header[at + 3];
            if (dims[d] <= 0) throw new DataFormatException(path, $"dimension {d} has size {dims[d]}.");
            expected *= dims[d];
            if (expected > FileBytes.MaxBytes)
                throw new DataFormatException(path, $"the header promises more than {FileBytes.MaxBytes:N0} bytes of data, the most one data file may hold.");
        }

        // A corrupt header must not allocate what it promises before the file shows it holds that much.
        if (length is long fileLength && fileLength - header.Length < expected)
            throw new DataFormatException(path, $"truncated: the header promises {expected} bytes of data, the file holds {fileLength - header.Length}.");
        var data = length is null ? FileBytes.ReadAtMost(stream, expected, path) : new byte[expected];
        long actual = length is null ? data.LongLength : FileBytes.Fill(stream, data, path);
        if (actual < expected)
            throw new DataFormatException(path, $"truncated: the header promises {expected} bytes of data, the file holds {actual}.");
        if (FileBytes.HasMore(stream, path))
            throw new DataFormatException(path, $"unexpected bytes after the {expected} bytes of data.");
        return (dims, data);
    }
}
