using System.Globalization;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Data;

/// <summary>A set of images named by its count, shape and the SHA-256 of its float32 values (the first 12 hex digits).</summary>
public static class ImageFingerprint
{
    /// <summary>Of images [N, C, H, W] (hashed on the CPU; 60,000 Fashion-MNIST images, 188 MB, take a fraction of a second).</summary>
    public static string Of(Tensor images)
    {
        using var scope = NewDisposeScope();
        var values = images.detach().to(ScalarType.Float32, CPU).contiguous();
        string hash = Sha256Text.Of(values.bytes);
        return $"{images.shape[0].ToString("N0", CultureInfo.InvariantCulture)} images {images.shape[1]}x{images.shape[2]}x{images.shape[3]}, sha256 {hash}";
    }
}
