using System;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Training.Augmentation;

/// <summary>
/// Draws a batch's <see cref="AugmentParameters"/> as EDM's augment.py does, in its order: x-flip, y-flip, scale,
/// rotation, anisotropy, translation; each value with its own gate "uniform &lt; multiplier * p". Every draw comes
/// from the given generator on the CPU (so a seed gives the same augmentation on any device).
/// </summary>
public static class AugmentSampler
{
    public static AugmentParameters Draw(long n, double p, AugmentSettings settings, Generator? generator)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "The augmentation probability must be in [0, 1].");
        using var scope = NewDisposeScope();
        var shape = new[] { n };
        Tensor Uniform() => rand(shape, dtype: ScalarType.Float32, generator: generator);
        Tensor Normal() => randn(shape, dtype: ScalarType.Float32, generator: generator);
        Tensor Gate(Tensor value, double multiplier) => where(Uniform() < multiplier * p, value, zeros_like(value));
        Tensor Coin() => randint(0, 2, shape, dtype: ScalarType.Float32, generator: generator);

        var xflip = Gate(Coin(), settings.XFlip);
        var yflip = Gate(Coin(), settings.YFlip);
        var scale = Gate(Normal(), settings.Scale);
        var rotation = Gate((Uniform() * 2 - 1) * (Math.PI * settings.RotateMax), settings.Rotate);
        var aniso = Normal();
        var anisoAngle = (Uniform() * 2 - 1) * Math.PI;
        aniso = Gate(aniso, settings.Aniso);
        anisoAngle = where(Uniform() < settings.AnisoRotateProbability, anisoAngle, zeros_like(anisoAngle));
        var translate = randn(new[] { 2, n }, dtype: ScalarType.Float32, generator: generator);
        translate = where(Uniform() < settings.Translate * p, translate, zeros_like(translate));

        var result = new AugmentParameters(xflip, yflip, scale, rotation, aniso, anisoAngle, translate[0], translate[1]);
        foreach (var t in new[] { xflip, yflip, scale, rotation, aniso, anisoAngle, result.TranslateX, result.TranslateY }) t.MoveToOuterDisposeScope();
        return result;
    }
}
