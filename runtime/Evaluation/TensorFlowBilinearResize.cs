using System;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Evaluation;

/// <summary>
/// TensorFlow 1's resize_bilinear with its defaults (align_corners=False, half_pixel_centers=False), the resize inside
/// TensorFlow's FID Inception graph: output pixel i reads the source at s = i x in / out, between pixels floor(s) and
/// min(floor(s) + 1, in - 1), weighted by s - floor(s). Unlike PyTorch's (half-pixel centres), it shifts the image by
/// half an input pixel and never reads past the last row's neighbour. Separable, so it is two matrix products with
/// [out, in] interpolation matrices. Checked against TF.js's own kernel (scripts/tf-resize-fixture.js).
/// </summary>
public static class TensorFlowBilinearResize
{
    /// <summary>Images [N, C, H, W] resized to [N, C, size, size] in their own dtype and on their own device.</summary>
    public static Tensor Resize(Tensor images, int size)
    {
        if (images.dim() != 4) throw new ArgumentException($"Expected images [N, C, H, W], not [{string.Join(", ", images.shape)}].", nameof(images));
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "The output size must be positive.");
        using var scope = NewDisposeScope();
        var rows = Matrix((int)images.shape[2], size).to(images.dtype, images.device);
        var columns = images.shape[3] == images.shape[2] ? rows : Matrix((int)images.shape[3], size).to(images.dtype, images.device);
        return rows.matmul(images).matmul(columns.t()).MoveToOuterDisposeScope();
    }

    /// <summary>The [out, in] matrix whose row i holds output pixel i's two weights.</summary>
    public static Tensor Matrix(int inputSize, int outputSize)
    {
        var weights = new double[outputSize * inputSize];
        double scale = (double)inputSize / outputSize;
        for (int i = 0; i < outputSize; i++)
        {
            double source = i * scale;
            int low = (int)Math.Floor(source), high = Math.Min(low + 1, inputSize - 1);
            double fraction = source - low;
            weights[i * inputSize + low] += 1 - fraction;
            weights[i * inputSize + high] += fraction;
        }
        return tensor(weights, new long[] { outputSize, inputSize }, dtype: ScalarType.Float64);
    }
}
