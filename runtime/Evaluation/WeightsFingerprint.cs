using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Evaluation;

/// <summary>The first 12 hex digits of a SHA-256 of a network's weights: enough to tell two feature networks' weights apart in a report.</summary>
internal static class WeightsFingerprint
{
    /// <summary>
    /// Of a network's weights as loaded: each tensor's name and float32 values, in name order. A file converted twice (its
    /// header in another order, float64 for float32) gives the same print; other values, a bf16 copy among them, do not.
    /// </summary>
    public static string Of(IEnumerable<KeyValuePair<string, Tensor>> weights)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, tensor) in weights.OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(name + "\n"));
            using var scope = NewDisposeScope();
            hash.AppendData(tensor.detach().to(ScalarType.Float32, CPU).contiguous().bytes); // the values in place, not a managed copy
        }
        return Sha256Text.Prefix(hash.GetHashAndReset());
    }
}
