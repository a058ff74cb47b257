using System;
using System.IO;
using System.Security.Cryptography;

namespace DiffusionDsl.Runtime.Evaluation;

/// <summary>The first 12 hex digits of a weights file's SHA-256: enough to tell two feature networks' weights apart in a report.</summary>
internal static class WeightsFingerprint
{
    public static string Of(string path)
    {
        using var file = File.OpenRead(path);
        return Of(file);
    }

    public static string Of(Stream stream) => Convert.ToHexString(SHA256.HashData(stream))[..12].ToLowerInvariant();
}
