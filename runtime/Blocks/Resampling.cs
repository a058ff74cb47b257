using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Blocks;

/// <summary>
/// EDM's resample_filter [1, 1]: a 2x2 box filter with stride 2 (down) or its transpose (up),
/// which equal average pooling and nearest-neighbour upsampling.
/// </summary>
public static class Resampling
{
    public static Tensor Down(Tensor x) => nn.functional.avg_pool2d(x, 2);

    public static Tensor Up(Tensor x) => nn.functional.interpolate(x, scale_factor: new double[] { 2, 2 }, mode: InterpolationMode.Nearest);
}
