using System;
using System.Security.Cryptography;

namespace DiffusionDsl.Runtime;

/// <summary>A SHA-256 as the runtime names things by it (weights, image sets, cache entries): its first hex digits, lower case.</summary>
internal static class Sha256Text
{
    /// <summary>The first <paramref name="digits"/> hex digits of a finished hash.</summary>
    public static string Prefix(byte[] sha256, int digits = 12) => Convert.ToHexString(sha256)[..digits].ToLowerInvariant();

    /// <summary>The first <paramref name="digits"/> hex digits of the SHA-256 of <paramref name="data"/>.</summary>
    public static string Of(ReadOnlySpan<byte> data, int digits = 12) => Prefix(SHA256.HashData(data), digits);
}
