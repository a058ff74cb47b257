using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace DiffusionDsl.Cli.Lsp;

/// <summary>
/// LSP's input with its header names in the case StreamJsonRpc reads: LSP takes its header part from HTTP, where field
/// names are case-insensitive, but StreamJsonRpc matches "Content-Length" and "Content-Type" byte for byte and ends
/// the connection at "content-length". The header lines are rewritten (their values untouched) and each body, as long as
/// its Content-Length says, passes through as it is.
/// </summary>
internal sealed class HeaderNameCaseStream : Stream
{
    private static readonly string[] Names = { "Content-Length", "Content-Type" };

    /// <summary>A header line longer than this is passed on as it is, to its end.</summary>
    private const int MaxHeaderLine = 1024;

    private readonly Stream _inner;
    private readonly byte[] _buffer = new byte[8192];
    private int _start, _end;
    private readonly MemoryStream _line = new();
    private byte[] _pending = Array.Empty<byte>();
    private int _pendingAt;
    private long _bodyLeft;
    private long? _contentLength;
    private bool _overlong;

    public HeaderNameCaseStream(Stream inner) => _inner = inner;

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_pendingAt < _pending.Length)
            {
                int n = Math.Min(destination.Length, _pending.Length - _pendingAt);
                _pending.AsMemory(_pendingAt, n).CopyTo(destination);
                _pendingAt += n;
                return n;
            }
            if (_start == _end)
            {
                // Set only after the read succeeds: a failed or cancelled read must not hand out the old bytes again.
                int read = await _inner.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
                (_start, _end) = (0, read);
                if (read == 0) return Flush(destination); // the end: a partial header line goes on as it is
            }
            if (_bodyLeft > 0)
            {
                int n = (int)Math.Min(Math.Min(destination.Length, _end - _start), _bodyLeft);
                _buffer.AsMemory(_start, n).CopyTo(destination);
                _start += n;
                _bodyLeft -= n;
                return n;
            }
            if (_overlong)
            {
                // The rest of a line too long to be a name worth fixing goes on as it is, to its end.
                int end = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                int n = Math.Min(destination.Length, (end < 0 ? _end : end + 1) - _start);
                _buffer.AsMemory(_start, n).CopyTo(destination);
                _start += n;
                if (end >= 0 && _start == end + 1) _overlong = false;
                return n;
            }
            // In the header part: gather a line, then pass it on with its name's case fixed.
            while (_start < _end)
            {
                byte b = _buffer[_start++];
                _line.WriteByte(b);
                if (b == (byte)'\n')
                {
                    _pending = EndLine();
                    _pendingAt = 0;
                    break;
                }
                if (_line.Length >= MaxHeaderLine)
                {
                    _pending = _line.ToArray();
                    _pendingAt = 0;
                    _line.SetLength(0);
                    _overlong = true;
                    break;
                }
            }
        }
    }

    private int Flush(Memory<byte> destination)
    {
        if (_line.Length == 0) return 0;
        _pending = _line.ToArray();
        _pendingAt = 0;
        _line.SetLength(0);
        int n = Math.Min(destination.Length, _pending.Length);
        _pending.AsMemory(0, n).CopyTo(destination);
        _pendingAt = n;
        return n;
    }

    /// <summary>The gathered header line, its name in StreamJsonRpc's case; a blank line ends the header part.</summary>
    private byte[] EndLine()
    {
        var bytes = _line.ToArray();
        _line.SetLength(0);
        var text = Encoding.ASCII.GetString(bytes);
        if (text is "\r\n" or "\n")
        {
            _bodyLeft = _contentLength ?? 0;
            _contentLength = null;
            return bytes;
        }
        int colon = text.IndexOf(':');
        if (colon <= 0) return bytes;
        var name = text[..colon];
        foreach (var canonical in Names)
            if (string.Equals(name, canonical, StringComparison.OrdinalIgnoreCase))
            {
                if (canonical == "Content-Length" && long.TryParse(text[(colon + 1)..].Trim(), out long length) && length >= 0) _contentLength = length;
                // The name in its case, then the line's own bytes from the colon on (its value untouched, whatever it holds).
                var fixedLine = new byte[bytes.Length];
                Encoding.ASCII.GetBytes(canonical, 0, canonical.Length, fixedLine, 0);
                Array.Copy(bytes, colon, fixedLine, colon, bytes.Length - colon);
                return fixedLine;
            }
        return bytes;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

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
        if (disposing) _inner.Dispose();
        base.Dispose(disposing);
    }
}
