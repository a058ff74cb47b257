using System;
using System.IO;
using System.Text;

namespace DiffusionDsl.Runtime.Reporting;

/// <summary>
/// A PNG's tEXt chunks (keyword, NUL, Latin-1 text; PNG spec 11.3.4.3), which SkiaSharp neither writes nor reads:
/// <see cref="SampleGrid"/> records in one how many images a grid holds, since an empty cell and a black sample look
/// the same.
/// </summary>
public static class PngText
{
    private static readonly byte[] Signature = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };

    /// <summary><paramref name="png"/> with a tEXt chunk after its header chunk (IHDR, always first).</summary>
    public static byte[] With(byte[] png, string keyword, string text)
    {
        using var output = new MemoryStream();
        Write(output, png, keyword, text);
        return output.ToArray();
    }

    /// <summary>Writes <paramref name="png"/> to <paramref name="output"/> with a tEXt chunk after its header chunk, without copying the image.</summary>
    public static void Write(Stream output, ReadOnlySpan<byte> png, string keyword, string text)
    {
        if (!IsPng(png)) throw new ArgumentException("Not a PNG.", nameof(png));
        int afterHeader = Signature.Length + 12 + ReadLength(png, Signature.Length);
        var data = Encoding.Latin1.GetBytes(keyword + "\0" + text);
        var chunk = new byte[12 + data.Length];
        WriteLength(chunk, 0, data.Length);
        Encoding.ASCII.GetBytes("tEXt", 0, 4, chunk, 4);
        data.CopyTo(chunk, 8);
        WriteLength(chunk, 8 + data.Length, (int)Crc32(chunk.AsSpan(4, 4 + data.Length)));
        output.Write(png[..afterHeader]);
        output.Write(chunk);
        output.Write(png[afterHeader..]);
    }

    /// <summary>The text of the file's first tEXt chunk with <paramref name="keyword"/> before its image data, or null (none, or not a PNG).</summary>
    public static string? Find(string path, string keyword)
    {
        using var file = File.OpenRead(path);
        var signature = new byte[Signature.Length];
        if (file.ReadAtLeast(signature, signature.Length, throwOnEndOfStream: false) < signature.Length || !IsPng(signature)) return null;
        var head = new byte[8];
        while (file.ReadAtLeast(head, 8, throwOnEndOfStream: false) == 8)
        {
            int length = ReadLength(head, 0);
            var type = Encoding.ASCII.GetString(head, 4, 4);
            if (length < 0 || type is "IDAT" or "IEND") return null;
            if (type == "tEXt" && length <= 1 << 16)
            {
                var data = new byte[length];
                if (file.ReadAtLeast(data, length, throwOnEndOfStream: false) < length) return null;
                int nul = Array.IndexOf(data, (byte)0);
                if (nul >= 0 && Encoding.Latin1.GetString(data, 0, nul) == keyword) return Encoding.Latin1.GetString(data, nul + 1, length - nul - 1);
                file.Seek(4, SeekOrigin.Current); // the CRC
            }
            else file.Seek((long)length + 4, SeekOrigin.Current);
        }
        return null;
    }

    private static bool IsPng(ReadOnlySpan<byte> bytes) => bytes.Length >= Signature.Length && bytes[..Signature.Length].SequenceEqual(Signature);

    private static int ReadLength(ReadOnlySpan<byte> bytes, int at) => (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];

    private static void WriteLength(byte[] bytes, int at, int value)
    {
        bytes[at] = (byte)(value >> 24); bytes[at + 1] = (byte)(value >> 16); bytes[at + 2] = (byte)(value >> 8); bytes[at + 3] = (byte)value;
    }

    private static readonly uint[] CrcTable = BuildCrcTable();

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    /// <summary>The CRC-32 PNG puts after each chunk, over its type and data.</summary>
    internal static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint c = 0xFFFFFFFFu;
        foreach (var b in bytes) c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
