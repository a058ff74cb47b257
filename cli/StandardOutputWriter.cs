using System;
using System.IO;
using System.Text;

namespace DiffusionDsl.Cli;

/// <summary>
/// Standard output that names itself when it fails: a closed or full stdout (`msd info M.msd >&-`, `> /dev/full`) threw
/// the console's IOException out of whatever command was printing, which either took it for its own input's failure or
/// let it reach the user as a stack trace. <see cref="CliApp.Run"/> reports it in one line.
/// </summary>
internal sealed class StandardOutputWriter : TextWriter
{
    private readonly TextWriter _inner;

    public StandardOutputWriter(TextWriter inner) : base(inner.FormatProvider) => _inner = inner;

    public override Encoding Encoding => _inner.Encoding;

    [System.Diagnostics.CodeAnalysis.AllowNull]
    public override string NewLine
    {
        get => _inner.NewLine;
        set { base.NewLine = value; _inner.NewLine = value; }
    }

    public override void Write(char value) => Guard(() => _inner.Write(value));
    public override void Write(char[] buffer, int index, int count) => Guard(() => _inner.Write(buffer, index, count));
    public override void Write(string? value) => Guard(() => _inner.Write(value));
    public override void WriteLine(string? value) => Guard(() => _inner.WriteLine(value));
    public override void Flush() => Guard(_inner.Flush);

    private static void Guard(Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StandardOutputException(e);
        }
    }
}

/// <summary>Standard output could not be written; deliberately not an IOException, which commands report as their input's.</summary>
public sealed class StandardOutputException : Exception
{
    public StandardOutputException(Exception inner)
        : base($"standard output cannot be written: {(inner.InnerException ?? inner).Message}", inner) { }
}
