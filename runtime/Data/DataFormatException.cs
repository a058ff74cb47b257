using System;

namespace DiffusionDsl.Runtime.Data;

/// <summary>A data file that cannot be read as the format it claims; the message names the file.</summary>
public sealed class DataFormatException : Exception
{
    public string FilePath { get; }

    public DataFormatException(string filePath, string problem, Exception? inner = null)
        : base($"{filePath}: {problem}", inner)
    {
        FilePath = filePath;
    }
}
