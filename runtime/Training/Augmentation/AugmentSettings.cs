namespace DiffusionDsl.Runtime.Training.Augmentation;

/// <summary>
/// The geometric augmentations of EDM's non-leaking pipeline (Karras et al. 2022, training/augment.py, itself from
/// StyleGAN2-ADA) with the settings EDM's train.py passes: AugmentPipe(p, xflip=1e8, yflip=1, scale=1, rotate_frac=1,
/// aniso=1, translate_frac=1) and augment.py's default spreads. Each multiplier times the overall probability p is
/// the chance that a sample gets that transform (xflip's 1e8 makes the coin flip happen whenever p &gt; 0).
/// The pipeline always produces all nine labels; a transform with multiplier 0 is simply never applied.
/// </summary>
public sealed record AugmentSettings
{
    /// <summary>EDM's CIFAR-10 settings (train.py).</summary>
    public static AugmentSettings Edm { get; } = new();

    /// <summary>Horizontal flip: applied (to a random half) with probability XFlip * p.</summary>
    public double XFlip { get; init; } = 1e8;
    /// <summary>Vertical flip: applied (to a random half) with probability YFlip * p.</summary>
    public double YFlip { get; init; } = 1;
    /// <summary>Isotropic scaling by 2^(ScaleStd * n), n ~ N(0, 1).</summary>
    public double Scale { get; init; } = 1;
    /// <summary>Rotation by an angle uniform in [-pi, pi] * RotateMax.</summary>
    public double Rotate { get; init; } = 1;
    /// <summary>Anisotropic scaling by 2^(AnisoStd * n) along x and its inverse along y, in a frame rotated
    /// by a uniform angle with probability AnisoRotateProbability.</summary>
    public double Aniso { get; init; } = 1;
    /// <summary>Translation by TranslateStd * (width, height) * n, n ~ N(0, I).</summary>
    public double Translate { get; init; } = 1;

    public double ScaleStd { get; init; } = 0.2;
    public double RotateMax { get; init; } = 1;
    public double AnisoStd { get; init; } = 0.2;
    public double AnisoRotateProbability { get; init; } = 0.5;
    public double TranslateStd { get; init; } = 0.125;

    /// <summary>Whether any sample can be scaled, rotated, stretched or shifted, and so needs the geometric warp.</summary>
    public bool Resamples => Scale > 0 || Rotate > 0 || Aniso > 0 || Translate > 0;
}
