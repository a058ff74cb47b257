using System;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace DiffusionDsl.Runtime.Training.Augmentation;

/// <summary>
/// Applies per-sample inverse transforms G⁻¹ to a batch the way EDM's augment.py executes its geometric
/// transformations: reflect-pad by the margin the batch's transformed corners need, upsample 2x with the Symlet-6
/// filter, sample bilinearly (zeros outside), and filter-downsample back to the original size.
/// </summary>
internal static class GeometricWarp
{
    public static Tensor Apply(Tensor images, Tensor inverse)
    {
        using var scope = NewDisposeScope();
        long n = images.shape[0], c = images.shape[1], h = images.shape[2], w = images.shape[3];
        var dtype = images.dtype;
        var device = images.device;
        var g = inverse.to(dtype).to(device);
        int pad = Sym6Filter.Pad;

        // Margins: how far the transformed corners reach beyond the image, plus the filter's support, capped by
        // what reflect padding allows.
        var (mx0, my0, mx1, my1) = Margins(g, h, w, pad);
        images = nn.functional.pad(images, new long[] { mx0, mx1, my0, my1 }, PaddingModes.Reflect);

        // Upsample 2x: interleave zeros, then filter with the reversed taps (x, then y).
        long paddedH = images.shape[2];
        var up = Sym6Filter.Kernel(c, reversed: true, vertical: false, dtype, device);
        var upV = Sym6Filter.Kernel(c, reversed: true, vertical: true, dtype, device);
        int upPad = (Sym6Filter.Length + 1) / 2;
        images = stack(new[] { images, zeros_like(images) }, 4).reshape(n, c, paddedH, -1);
        images = images.narrow(3, 0, images.shape[3] - 1);
        images = conv2d(images, up, padding: new long[] { 0, upPad }, groups: c);
        images = stack(new[] { images, zeros_like(images) }, 3).reshape(n, c, -1, images.shape[3]);
        images = images.narrow(2, 0, images.shape[2] - 1);
        images = conv2d(images, upV, padding: new long[] { upPad, 0 }, groups: c);

        // Warp into an output of twice the (filter-padded) size. In augment.py's order, G⁻¹ is moved to the padded
        // image's centre, to the upsampled pixel grid (about pixel centres), and to affine_grid's [-1, 1] coordinates
        // at both ends.
        var size = new long[] { n, c, (h + pad * 2) * 2, (w + pad * 2) * 2 };
        var toSource = AxisAlignedAffine.Scale(2.0 / images.shape[3], 2.0 / images.shape[2])
                       * AxisAlignedAffine.Translate(-0.5, -0.5) * AxisAlignedAffine.Scale(2, 2)
                       * AxisAlignedAffine.Translate((mx0 - mx1) / 2.0, (my0 - my1) / 2.0);
        var fromOutput = AxisAlignedAffine.Scale(0.5, 0.5) * AxisAlignedAffine.Translate(0.5, 0.5)
                         * AxisAlignedAffine.Scale(size[3] / 2.0, size[2] / 2.0);
        g = toSource * g * fromOutput;
        var grid = affine_grid(g.narrow(1, 0, 2), size, align_corners: false);
        images = grid_sample(images, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);

        // Downsample 2x with the filter (x, then y) and crop the filter's margin.
        var down = Sym6Filter.Kernel(c, reversed: false, vertical: false, dtype, device);
        var downV = Sym6Filter.Kernel(c, reversed: false, vertical: true, dtype, device);
        int downPad = (Sym6Filter.Length - 1) / 2;
        images = conv2d(images, down, strides: new long[] { 1, 2 }, padding: new long[] { 0, downPad }, groups: c);
        images = images.narrow(3, pad, images.shape[3] - 2 * pad);
        images = conv2d(images, downV, strides: new long[] { 2, 1 }, padding: new long[] { downPad, 0 }, groups: c);
        images = images.narrow(2, pad, images.shape[2] - 2 * pad);
        return images.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// augment.py's margin: the farthest any sample's transformed image corner (±cx, ±cy) reaches left, up, right and
    /// down, plus twice the filter's pad, less the half-size, within [0, size - 1]. Over the four corners the reach in x is
    /// |g00|·cx + |g01|·cy ∓ g02 (in y likewise with row 1), so no table of corners is copied to the device.
    /// </summary>
    private static (long X0, long Y0, long X1, long Y1) Margins(Tensor g, long h, long w, int pad)
    {
        using var scope = NewDisposeScope();
        double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
        Tensor Reach(int row, double sign)
        {
            var r = g.select(1, row);
            return (r.select(1, 0).abs() * cx + r.select(1, 1).abs() * cy + r.select(1, 2) * sign).max();
        }
        var x0 = (Reach(0, -1) + (pad * 2 - cx)).clamp(0, w - 1);
        var y0 = (Reach(1, -1) + (pad * 2 - cy)).clamp(0, h - 1);
        var x1 = (Reach(0, 1) + (pad * 2 - cx)).clamp(0, w - 1);
        var y1 = (Reach(1, 1) + (pad * 2 - cy)).clamp(0, h - 1);
        var margin = HostReads.ToArray<long>(stack(new[] { x0, y0, x1, y1 }).ceil().to(ScalarType.Int64), "GeometricWarp.Margins");
        return (margin[0], margin[1], margin[2], margin[3]);
    }
}
