using System;
using System.Linq;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Training.Augmentation;

/// <summary>
/// One batch's augmentation, per sample (float32 tensors of shape [N] on one device), in the units of EDM's
/// augment.py: XFlip and YFlip are 0 or 1; Scale and Aniso are standard normal draws (the factor is
/// 2^(std * value)); Rotation and AnisoAngle are radians; TranslateX and TranslateY are standard normal draws
/// (the shift is TranslateStd * width, height pixels). All zeros is the identity.
/// </summary>
public sealed class AugmentParameters : IDisposable
{
    public Tensor XFlip { get; }
    public Tensor YFlip { get; }
    public Tensor Scale { get; }
    public Tensor Rotation { get; }
    public Tensor Aniso { get; }
    public Tensor AnisoAngle { get; }
    public Tensor TranslateX { get; }
    public Tensor TranslateY { get; }

    public AugmentParameters(Tensor xFlip, Tensor yFlip, Tensor scale, Tensor rotation, Tensor aniso, Tensor anisoAngle,
                             Tensor translateX, Tensor translateY)
    {
        XFlip = xFlip; YFlip = yFlip; Scale = scale; Rotation = rotation;
        Aniso = aniso; AnisoAngle = anisoAngle; TranslateX = translateX; TranslateY = translateY;
        foreach (var p in All)
            if (p.dim() != 1 || p.shape[0] != xFlip.shape[0])
                throw new ArgumentException($"Every augmentation parameter holds one value per sample ([{xFlip.shape[0]}]), not [{string.Join(", ", p.shape)}].");
    }

    public long Count => XFlip.shape[0];

    private Tensor[] All => new[] { XFlip, YFlip, Scale, Rotation, Aniso, AnisoAngle, TranslateX, TranslateY };

    /// <summary>The identity for n samples.</summary>
    public static AugmentParameters Identity(long n, Device? device = null)
    {
        Tensor Zero() => zeros(new[] { n }, dtype: ScalarType.Float32, device: device);
        return new AugmentParameters(Zero(), Zero(), Zero(), Zero(), Zero(), Zero(), Zero(), Zero());
    }

    /// <summary>The same parameters on another device (float32).</summary>
    public AugmentParameters To(Device device)
    {
        using var scope = NewDisposeScope();
        // One copy of the eight rows together, not eight (each a host-device copy on a GPU).
        var rows = stack(All.Select(t => t.to(ScalarType.Float32)).ToArray()).to(device).unbind(0);
        foreach (var row in rows) row.MoveToOuterDisposeScope();
        return new AugmentParameters(rows[0], rows[1], rows[2], rows[3], rows[4], rows[5], rows[6], rows[7]);
    }

    /// <summary>Per sample ([N] bool, on the parameters' device): scaled, rotated, stretched or shifted (flips alone need no resampling).</summary>
    public Tensor NeedsResampling() => stack(new[] { Scale, Rotation, Aniso, TranslateX, TranslateY }).ne(0).any(0);

    public void Dispose()
    {
        foreach (var p in All) p.Dispose();
    }
}
