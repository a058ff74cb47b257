namespace DiffusionDsl.Runtime.Evaluation;

/// <summary>How images reach the FID Inception-v3: the resize to 299x299 and the scaling to its input range.</summary>
public enum InceptionPreprocessing
{
    /// <summary>
    /// pytorch-fid's: PyTorch's bilinear resize (align_corners=False, half-pixel centres), 8-bit values v scaled as
    /// (v - 127.5) / 127.5.
    /// </summary>
    PytorchFid,

    /// <summary>
    /// TensorFlow's original FID graph's, which EDM's fid.py detector keeps: TF 1's
    /// resize_bilinear (align_corners=False, no half-pixel centres: output pixel i reads source i x in / out), 8-bit
    /// values v scaled as (v - 128) / 128.
    /// </summary>
    TensorFlow,
}
