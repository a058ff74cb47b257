using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Training.Augmentation;

/// <summary>2D homogeneous matrices: batches [N, 3, 3] from per-sample tensors [N], or one [3, 3] from numbers.</summary>
internal static class AffineMatrices
{
    /// <summary>[[a, b, c], [d, e, f], [0, 0, 1]] per sample.</summary>
    public static Tensor Batch(Tensor a, Tensor b, Tensor c, Tensor d, Tensor e, Tensor f)
    {
        var zero = zeros_like(a);
        var one = ones_like(a);
        return stack(new[] { a, b, c, d, e, f, zero, zero, one }, -1).view(-1, 3, 3);
    }

    public static Tensor Constant(double a, double b, double c, double d, double e, double f, ScalarType dtype, Device device) =>
        tensor(new[] { (float)a, (float)b, (float)c, (float)d, (float)e, (float)f, 0f, 0f, 1f }, dtype: ScalarType.Float32)
            .view(3, 3).to(dtype).to(device);

    public static Tensor Translate(Tensor tx, Tensor ty)
    {
        using var zero = zeros_like(tx);
        using var one = ones_like(tx);
        return Batch(one, zero, tx, zero, one, ty);
    }

    public static Tensor Scale(Tensor sx, Tensor sy)
    {
        using var zero = zeros_like(sx);
        return Batch(sx, zero, zero, zero, sy, zero);
    }

    /// <summary>Counter-clockwise by theta in a y-down image frame: [[cos, -sin], [sin, cos]].</summary>
    public static Tensor Rotate(Tensor theta)
    {
        using var zero = zeros_like(theta);
        using var cos = theta.cos();
        using var sin = theta.sin();
        using var minusSin = sin.neg();
        return Batch(cos, minusSin, zero, sin, cos, zero);
    }

    public static Tensor Translate(double tx, double ty, ScalarType dtype, Device device) => Constant(1, 0, tx, 0, 1, ty, dtype, device);

    public static Tensor Scale(double sx, double sy, ScalarType dtype, Device device) => Constant(sx, 0, 0, 0, sy, 0, dtype, device);
}
