using DiffusionDsl.Runtime.Training.Augmentation;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Training.Augmentation;

/// <summary>
/// The warp's fixed matrices compose on the host and its filters are built once per device: each step copies no
/// constant to the device.
/// </summary>
public class WarpConstantsTests
{
    private static Tensor Matrix(AxisAlignedAffine a) =>
        tensor(new[] { a.Sx, 0, a.Tx, 0, a.Sy, a.Ty, 0, 0, 1 }, dtype: ScalarType.Float64).view(3, 3);

    [Fact]
    public void AxisAlignedProductsAreTheMatrixProducts()
    {
        using var scope = NewDisposeScope();
        var a = AxisAlignedAffine.Scale(2.5, -0.75) * AxisAlignedAffine.Translate(-3, 0.5);
        var b = AxisAlignedAffine.Translate(1.25, 4) * AxisAlignedAffine.Scale(0.5, 3);
        var g = randn(5, 3, 3, dtype: ScalarType.Float64, generator: new Generator(3));

        Assert.True((Matrix(a * b) - Matrix(a).matmul(Matrix(b))).abs().max().item<double>() < 1e-12);
        Assert.True(((a * g) - Matrix(a).matmul(g)).abs().max().item<double>() < 1e-12);
        Assert.True(((g * b) - g.matmul(Matrix(b))).abs().max().item<double>() < 1e-12);
        Assert.True(((a * g * b) - Matrix(a).matmul(g).matmul(Matrix(b))).abs().max().item<double>() < 1e-12);
    }

    [Fact]
    public void EachFilterIsBuiltOncePerShapeDtypeAndDevice()
    {
        var first = Sym6Filter.Kernel(3, reversed: true, vertical: false, ScalarType.Float32, CPU);
        Assert.Same(first, Sym6Filter.Kernel(3, reversed: true, vertical: false, ScalarType.Float32, CPU));
        Assert.NotSame(first, Sym6Filter.Kernel(3, reversed: true, vertical: true, ScalarType.Float32, CPU));
        Assert.NotSame(first, Sym6Filter.Kernel(3, reversed: true, vertical: false, ScalarType.Float64, CPU));
        Assert.Equal(new long[] { 3, 1, 1, 12 }, first.shape);
        Assert.Equal(new long[] { 3, 1, 12, 1 }, Sym6Filter.Kernel(3, reversed: false, vertical: true, ScalarType.Float32, CPU).shape);
        Assert.Equal((float)Sym6Filter.Taps[^1], first[2, 0, 0, 0].item<float>());
    }

    /// <summary>A warp twice over copies nothing new: the kernels and the frame changes are not rebuilt per call.</summary>
    [Fact]
    public void WarpingAgainAddsNoCachedKernels()
    {
        using var scope = NewDisposeScope();
        var images = randn(2, 5, 8, 8, generator: new Generator(1));
        var inverse = eye(3).unsqueeze(0).repeat(2, 1, 1);
        var once = GeometricWarp.Apply(images, inverse);
        int kernels = Sym6Filter.CachedKernels;
        var twice = GeometricWarp.Apply(images, inverse);
        Assert.Equal(kernels, Sym6Filter.CachedKernels);
        Assert.True(once.equal(twice).all().item<bool>());
        Assert.True((once - images).abs().max().item<float>() < 2e-6, "the identity warp moved pixels");
    }
}
