using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Training.Augmentation;

/// <summary>
/// x' = Sx·x + Tx, y' = Sy·y + Ty: the homogeneous matrix [[Sx, 0, Tx], [0, Sy, Ty], [0, 0, 1]]. The warp's fixed
/// changes of frame (padding, 2x upsampling, pixel centres, affine_grid's [-1, 1]) are all of this form, so they compose
/// here on the host and reach a batch of matrices as scalar arithmetic: no constant matrix is copied to the device per
/// step (on a GPU each such copy waits for the queued kernels, as a read does).
/// </summary>
internal readonly record struct AxisAlignedAffine(double Sx, double Sy, double Tx, double Ty)
{
    public static AxisAlignedAffine Translate(double tx, double ty) => new(1, 1, tx, ty);

    public static AxisAlignedAffine Scale(double sx, double sy) => new(sx, sy, 0, 0);

    /// <summary>The matrix product a·b (b first, then a).</summary>
    public static AxisAlignedAffine operator *(AxisAlignedAffine a, AxisAlignedAffine b) =>
        new(a.Sx * b.Sx, a.Sy * b.Sy, a.Sx * b.Tx + a.Tx, a.Sy * b.Ty + a.Ty);

    /// <summary>a·g for a batch g [N, 3, 3]: its rows x and y scaled and shifted by its row z.</summary>
    public static Tensor operator *(AxisAlignedAffine a, Tensor g)
    {
        using var scope = NewDisposeScope();
        var rows = g.unbind(1);
        var x = rows[0] * a.Sx + rows[2] * a.Tx;
        var y = rows[1] * a.Sy + rows[2] * a.Ty;
        return stack(new[] { x, y, rows[2] }, 1).MoveToOuterDisposeScope();
    }

    /// <summary>g·a for a batch g [N, 3, 3]: its columns x and y scaled, and both added into its column z.</summary>
    public static Tensor operator *(Tensor g, AxisAlignedAffine a)
    {
        using var scope = NewDisposeScope();
        var columns = g.unbind(2);
        var z = columns[0] * a.Tx + columns[1] * a.Ty + columns[2];
        return stack(new[] { columns[0] * a.Sx, columns[1] * a.Sy, z }, 2).MoveToOuterDisposeScope();
    }
}
