using System.Linq;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Training.Augmentation;

/// <summary>
/// The nine conditioning labels of EDM's pipeline with its train.py settings, in augment.py's order:
/// [x-flip, y-flip, scale, cos(rotation) - 1, sin(rotation), aniso cos(angle), aniso sin(angle), translate x, translate y].
/// The identity gives zeros, which is also what the network sees at sampling.
/// </summary>
public static class AugmentLabels
{
    public const int Count = 9;

    /// <summary>Labels of shape [N, 9] (float32, on the parameters' device).</summary>
    public static Tensor Of(AugmentParameters p)
    {
        using var scope = NewDisposeScope();
        var columns = new[]
        {
            p.XFlip, p.YFlip, p.Scale,
            p.Rotation.cos() - 1, p.Rotation.sin(),
            p.Aniso * p.AnisoAngle.cos(), p.Aniso * p.AnisoAngle.sin(),
            p.TranslateX, p.TranslateY,
        };
        return stack(columns.Select(c => c.to(ScalarType.Float32)), 1).MoveToOuterDisposeScope();
    }
}
