using System;
using System.Linq;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Runtime.Training.Augmentation;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Training.Augmentation;

/// <summary>Exact cases of the pipe, worked out from what each transform means rather than from the reference's numbers.</summary>
public class EdmAugmentPipeTests
{
    private static Tensor Zero(long n) => zeros(n);

    private static AugmentParameters Only(long n, Func<AugmentParameters, Tensor> pick, params float[] values)
    {
        var p = AugmentParameters.Identity(n);
        pick(p).copy_(tensor(values));
        return p;
    }

    private static float MaxError(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    [Fact]
    public void ProbabilityZeroIsTheIdentityWithZeroLabels()
    {
        using var scope = NewDisposeScope();
        var images = AugmentFixture.Image(64, 3, 8, 8);
        var (augmented, labels) = new EdmAugmentPipe(0).Augment(images, new Generator(5));
        Assert.True(Same(augmented, images));
        Assert.Equal(new long[] { 64, AugmentLabels.Count }, labels.shape);
        Assert.Equal(0f, labels.abs().max().item<float>());
    }

    [Fact]
    public void AnXFlipMirrorsTheColumnsAndSetsLabelZero()
    {
        using var scope = NewDisposeScope();
        var images = AugmentFixture.Image(2, 3, 8, 12);
        using var p = Only(2, q => q.XFlip, 1, 0);
        var (augmented, labels) = new EdmAugmentPipe(1).Apply(images, p);
        Assert.True(Same(augmented[0], images[0].flip(2)));
        Assert.True(Same(augmented[1], images[1]));
        Assert.Equal(new float[] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, labels.data<float>().ToArray());
    }

    [Fact]
    public void AYFlipMirrorsTheRowsAndSetsLabelOne()
    {
        using var scope = NewDisposeScope();
        var images = AugmentFixture.Image(2, 1, 8, 12);
        using var p = Only(2, q => q.YFlip, 0, 1);
        var (augmented, labels) = new EdmAugmentPipe(1).Apply(images, p);
        Assert.True(Same(augmented[0], images[0]));
        Assert.True(Same(augmented[1], images[1].flip(1)));
        Assert.Equal(new float[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 }, labels.data<float>().ToArray());
    }

    /// <summary>x reflected into [0, n) without repeating the edge (numpy/torch 'reflect').</summary>
    private static long Reflect(long x, long n)
    {
        long period = 2 * (n - 1);
        x = ((x % period) + period) % period;
        return x < n ? x : period - x;
    }

    [Theory]
    [InlineData(1, -2)]
    [InlineData(-3, 1)]
    [InlineData(4, 3)]
    public void AWholePixelTranslationShiftsTheImageWithReflectedBorders(int dx, int dy)
    {
        using var scope = NewDisposeScope();
        const int h = 8, w = 16;
        var images = AugmentFixture.Image(1, 2, h, w);
        // A label of 1 shifts by 0.125 of the size: 2 px across, 1 px down.
        float lx = dx / (0.125f * w), ly = dy / (0.125f * h);
        using var p = AugmentParameters.Identity(1);
        p.TranslateX.fill_(lx);
        p.TranslateY.fill_(ly);
        var (augmented, labels) = new EdmAugmentPipe(1).Apply(images, p);

        var source = images.data<float>().ToArray();
        var expected = new float[source.Length];
        for (int c = 0; c < 2; c++)
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            expected[(c * h + y) * w + x] = source[(c * h + Reflect(y - dy, h)) * w + Reflect(x - dx, w)];
        Assert.True(MaxError(augmented, tensor(expected).view(1, 2, h, w)) < 1e-5);
        Assert.Equal(new[] { 0, 0, 0, 0, 0, 0, 0, lx, ly }, labels.data<float>().ToArray());
    }

    [Fact]
    public void AQuarterTurnMatchesRot90AwayFromTheBorders()
    {
        using var scope = NewDisposeScope();
        // A smooth image: EDM's own quarter turn lands about 0.1 px off (its Symlet-6 resampling is not linear-phase,
        // so the delays of its x and y filters no longer cancel once x becomes y); the error grows with the image's slope.
        const int size = 16;
        var yx = meshgrid(new[] { arange(size, dtype: ScalarType.Float32), arange(size, dtype: ScalarType.Float32) }, indexing: "ij");
        var image = (yx[1] * 0.1f + yx[0] * 0.06f).sin() + (yx[0] * 0.08f - yx[1] * 0.05f).cos() * 0.5f;
        var images = stack(new[] { image, image.t() }).unsqueeze(0);
        using var p = Only(1, q => q.Rotation, (float)(Math.PI / 2));
        var (augmented, labels) = new EdmAugmentPipe(1).Apply(images, p);

        var inner = augmented.narrow(2, 2, size - 4).narrow(3, 2, size - 4);
        Tensor Inner(Tensor t) => t.narrow(2, 2, size - 4).narrow(3, 2, size - 4);
        float quarter = MaxError(inner, Inner(images.rot90(1, (2, 3))));
        float otherWay = MaxError(inner, Inner(images.rot90(-1, (2, 3))));
        Assert.True(quarter < 0.025, $"differs from rot90 by {quarter}");
        Assert.True(otherWay > 0.3, $"the opposite turn matches too ({otherWay})");
        var l = labels.data<float>().ToArray();
        Assert.Equal(new float[] { 0, 0, 0 }, l[..3]);
        Assert.Equal(-1f, l[3], 6);
        Assert.Equal(1f, l[4], 6);
        Assert.Equal(new float[] { 0, 0, 0, 0 }, l[5..]);
    }

    [Fact]
    public void LabelsFollowTheParametersAndAreZeroForTransformsNotApplied()
    {
        using var scope = NewDisposeScope();
        var p = new AugmentParameters(tensor(new float[] { 1, 0 }), tensor(new float[] { 0, 1 }), tensor(new float[] { 0.5f, 0 }),
            tensor(new float[] { 0, 0.3f }), tensor(new float[] { 0, -1.2f }), tensor(new float[] { 0.7f, 2.0f }),
            tensor(new float[] { 0, 0.25f }), tensor(new float[] { -1, 0 }));
        var labels = AugmentLabels.Of(p).data<float>().ToArray();
        var expected = new[]
        {
            1, 0, 0.5f, 0, 0, 0, 0, 0, -1,
            0, 1, 0, MathF.Cos(0.3f) - 1, MathF.Sin(0.3f), -1.2f * MathF.Cos(2), -1.2f * MathF.Sin(2), 0.25f, 0,
        };
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], labels[i], 5);
    }

    [Fact]
    public void DrawsFollowEdmsProbabilities()
    {
        const int n = 20000;
        const double p = 0.12;
        using var d = AugmentSampler.Draw(n, p, AugmentSettings.Edm, new Generator(3));
        double Fraction(Tensor t) => t.ne(0).to(ScalarType.Float64).mean().item<double>();
        Assert.InRange(Fraction(d.XFlip), 0.48, 0.52);          // EDM's xflip multiplier 1e8: a fair coin whenever p > 0
        Assert.InRange(Fraction(d.YFlip), p / 2 - 0.01, p / 2 + 0.01);
        Assert.InRange(Fraction(d.Scale), p - 0.01, p + 0.01);
        Assert.InRange(Fraction(d.Rotation), p - 0.01, p + 0.01);
        Assert.InRange(Fraction(d.Aniso), p - 0.01, p + 0.01);
        Assert.InRange(Fraction(d.AnisoAngle), 0.48, 0.52);     // the stretch's frame is rotated half the time
        Assert.InRange(Fraction(d.TranslateX), p - 0.01, p + 0.01);
        Assert.True(Same(d.TranslateX.ne(0), d.TranslateY.ne(0))); // one gate for both axes
        Assert.True(d.Rotation.abs().max().item<float>() <= MathF.PI);
        var scales = d.Scale.masked_select(d.Scale.ne(0));
        Assert.InRange(scales.std().item<float>(), 0.95, 1.05);
    }

    [Fact]
    public void TheSameGeneratorStateGivesTheSameAugmentation()
    {
        using var scope = NewDisposeScope();
        var images = AugmentFixture.Image(32, 3, 8, 8);
        var pipe = new EdmAugmentPipe(0.5);
        var (a, la) = pipe.Augment(images, new Generator(11));
        var (b, lb) = pipe.Augment(images, new Generator(11));
        var (c, lc) = pipe.Augment(images, new Generator(12));
        Assert.True(Same(a, b) && Same(la, lb));
        Assert.False(Same(la, lc));
    }

    [Fact]
    public void ResultsKeepTheImagesDtypeAndDevice()
    {
        using var scope = NewDisposeScope();
        var images = AugmentFixture.Image(8, 3, 8, 8).to(ScalarType.Float64);
        var (augmented, labels) = new EdmAugmentPipe(1).Augment(images, new Generator(2));
        Assert.Equal(ScalarType.Float64, augmented.dtype);
        Assert.Equal(images.device.type, augmented.device.type);
        Assert.Equal(ScalarType.Float32, labels.dtype);
        Assert.Equal(images.device.type, labels.device.type);
    }
}
