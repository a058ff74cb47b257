using System.Linq;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Runtime.Training.Augmentation;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Training.Augmentation;

/// <summary>
/// The pipe against EDM's reference AugmentPipe on the same images and transform parameters
/// (tests/Fixtures/Augmentation/edm-augment.json, from scripts/edm-augment-fixture.py).
/// </summary>
public class EdmAugmentReferenceTests
{
    [Theory]
    [InlineData("identity")]
    [InlineData("flips")]
    [InlineData("integer_translation")]
    [InlineData("rotate90")]
    [InlineData("scale")]
    [InlineData("rotate")]
    [InlineData("aniso")]
    [InlineData("fractional_translation")]
    [InlineData("everything")]
    public void ImagesAndLabelsMatchTheReference(string name)
    {
        var fixture = AugmentFixture.Named(name);
        using var scope = NewDisposeScope();
        using var parameters = fixture.Parameters();
        var (images, labels) = new EdmAugmentPipe(fixture.P).Apply(fixture.Input(), parameters);

        Assert.Equal(fixture.Shape, images.shape);
        double imageError = (images - fixture.ExpectedImages()).abs().max().item<float>();
        double labelError = (labels - fixture.ExpectedLabels()).abs().max().item<float>();
        Assert.True(imageError < 2e-6, $"{name}: images differ from the reference by up to {imageError:G3}");
        Assert.True(labelError < 1e-6, $"{name}: labels differ from the reference by up to {labelError:G3}");
    }

    [Fact]
    public void TheFixtureCoversTheCasesTheTestsName() =>
        Assert.Equal(new[] { "identity", "flips", "integer_translation", "rotate90", "scale", "rotate", "aniso", "fractional_translation", "everything" },
                     AugmentFixture.All.Select(c => c.Name));
}
