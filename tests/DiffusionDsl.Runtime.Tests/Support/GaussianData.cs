using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Support;

/// <summary>A 4-pixel Gaussian "image" [1, 2, 2] with a different mean and spread per pixel, spreads near EDM's sigma_data.</summary>
internal static class GaussianData
{
    public static Tensor Mean(ScalarType dtype = ScalarType.Float32) => tensor(new[] { 0.5, -0.3, 0.1, 0.0 }, dtype: dtype).view(1, 2, 2);
    public static Tensor Std(ScalarType dtype = ScalarType.Float32) => tensor(new[] { 0.5, 0.4, 0.3, 0.6 }, dtype: dtype).view(1, 2, 2);
    public static Tensor Variance(ScalarType dtype = ScalarType.Float32) => Std(dtype).square();
}
