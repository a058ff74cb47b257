using System;
using System.IO;
using System.IO.Compression;

namespace DiffusionDsl.Runtime.Data;

/// <summary>Reads a whole file, transparently un-gzipping it when it starts with the gzip magic.</summary>
internal static class FileBytes
{
    public static byte[] Read(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, "file not found.");
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b) return bytes;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var output = new MemoryStream();
            gzip.CopyTo(output);
            return output.ToArray();
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            throw new DataFormatException(path, $"corrupt or truncated gzip data ({e.Message}).", e);
        }
    }
}
