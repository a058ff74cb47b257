using System;
using System.IO;
using System.IO.Compression;

namespace DiffusionDsl.Runtime.Data;

/// <summary>
/// A data file's content as a stream, transparently un-gzipped when it starts with the gzip magic. Readers take what
/// their format's header promises from it, so a file with no end (`--data /dev/zero`) or a gzip bomb fails on its
/// header or at the size limit instead of filling memory.
/// </summary>
internal static class FileBytes
{
    /// <summary>The most one data file may hold, un-gzipped: the longest .NET byte array.</summary>
    public static long MaxBytes => Array.MaxLength;

    public static Stream Open(string path) => Open(path, out _);

    /// <param name="length">The content's length when the file says it (a plain regular file), else null (gzip, a pipe).</param>
    public static Stream Open(string path, out long? length)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, "file not found.");
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            var magic = new byte[2];
            int got = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            Stream content = new ReplayedPrefixStream(magic.AsSpan(0, got).ToArray(), file);
            bool gzip = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
            length = !gzip && file.CanSeek && file.Length > 0 ? file.Length : null; // a device may say 0
            return gzip ? new GZipStream(content, CompressionMode.Decompress) : content;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Fills <paramref name="buffer"/> from <paramref name="stream"/>; returns how many bytes it got before the content
    /// ended. A corrupt gzip stream is reported against <paramref name="path"/>.
    /// </summary>
    public static int Fill(Stream stream, Span<byte> buffer, string path)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new DataFormatException(path, $"corrupt or truncated gzip data ({e.Message}).", e);
        }
    }

    /// <summary>Whether anything is left in <paramref name="stream"/>.</summary>
    public static bool HasMore(Stream stream, string path) => Fill(stream, stackalloc byte[1], path) == 1;

    /// <summary>Reads the whole content, refusing more than <see cref="MaxBytes"/>.</summary>
    public static byte[] Read(string path)
    {
        using var stream = Open(path);
        var bytes = ReadAtMost(stream, MaxBytes, path);
        if (HasMore(stream, path))
            throw new DataFormatException(path, $"holds more than {MaxBytes:N0} bytes, the most one data file may hold; split it into several files.");
        return bytes;
    }

    /// <summary>At most <paramref name="limit"/> bytes of the stream, read in chunks, so memory follows what is there rather than what a header promises.</summary>
    public static byte[] ReadAtMost(Stream stream, long limit, string path)
    {
        using var content = new MemoryStream();
        var chunk = new byte[1 << 20];
        while (content.Length < limit && Fill(stream, chunk.AsSpan(0, (int)Math.Min(chunk.Length, limit - content.Length)), path) is var got and > 0)
            content.Write(chunk, 0, got);
        return content.ToArray();
    }

    /// <summary>The bytes read to look for the gzip magic, then the rest of the file: the file need not be seekable (a pipe).</summary>
    private sealed class ReplayedPrefixStream : Stream
    {
        private readonly byte[] _prefix;
        private readonly Stream _rest;
        private int _replayed;

        public ReplayedPrefixStream(byte[] prefix, Stream rest) => (_prefix, _rest) = (prefix, rest);

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_replayed == _prefix.Length) return _rest.Read(buffer);
            int n = Math.Min(buffer.Length, _prefix.Length - _replayed);
            _prefix.AsSpan(_replayed, n).CopyTo(buffer);
            _replayed += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _rest.Dispose();
            base.Dispose(disposing);
        }
    }
}
