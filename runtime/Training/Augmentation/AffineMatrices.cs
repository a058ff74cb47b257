using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Training.Augmentation;

/// <summary>2D homogeneous matrices, batches [N, 3, 3] from per-sample tensors [N] (fixed ones: <see cref="AxisAlignedAffine"/>).</summary>
internal static class AffineMatrices
{
    /// <summary>[[a, b, c], [d, e, f], [0, 0, 1]] per sample.</summary>
    public static Tensor Batch(Tensor a, Tensor b, Tensor c, Tensor d, Tensor e, Tensor f)
    {
        var zero = zeros_like(a);
        var one = ones_like(a);
        return stack(new[] { a, b, c, d, e, f, zero, zero, one }, -1).view(-1, 3, 3);
    }

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
}
