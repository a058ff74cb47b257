using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Training.Augmentation;

/// <summary>
/// Composes the inverse geometric transform G⁻¹ (output pixel to input pixel, about the image centre) of each sample,
/// in augment.py's order: isotropic scale, rotation, anisotropic scale (in a frame rotated by the sample's angle),
/// translation.
/// </summary>
internal static class GeometricTransform
{
    /// <summary>G⁻¹ of shape [N, 3, 3] (float32) for images of height h and width w.</summary>
    public static Tensor Inverse(AugmentParameters p, AugmentSettings settings, long h, long w)
    {
        using var scope = NewDisposeScope();
        var scale = p.Scale.mul(settings.ScaleStd).exp2();
        var g = AffineMatrices.Scale(scale.reciprocal(), scale.reciprocal());
        g = g.matmul(AffineMatrices.Rotate(p.Rotation));
        var aniso = p.Aniso.mul(settings.AnisoStd).exp2();
        g = g.matmul(AffineMatrices.Rotate(p.AnisoAngle.neg()))
             .matmul(AffineMatrices.Scale(aniso.reciprocal(), aniso))
             .matmul(AffineMatrices.Rotate(p.AnisoAngle));
        g = g.matmul(AffineMatrices.Translate(p.TranslateX.mul(-w * settings.TranslateStd), p.TranslateY.mul(-h * settings.TranslateStd)));
        return g.MoveToOuterDisposeScope();
    }
}
