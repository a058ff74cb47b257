using System;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Evaluation;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Evaluation;

/// <summary>The committed weights, on the committed slice of 500 held-out test images (tests/Fixtures/FashionMnistTest).</summary>
public class FashionFeatureNetworkTests(ITestOutputHelper output)
{
    internal static string FixtureFolder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "FashionMnistTest");

    [Fact]
    public void TheShippedNetworkClassifiesHeldOutImages()
    {
        using var network = FashionFeatureNetwork.LoadDefault();
        using var images = EvaluationData.FashionMnistTestImages(FixtureFolder);
        using var labels = EvaluationData.FashionMnistTestLabels(FixtureFolder);
        Assert.Equal(new long[] { 500, 1, 28, 28 }, images.shape);
        Assert.Equal(-1.0, images.min().item<float>());
        Assert.Equal(1.0, images.max().item<float>());
        double accuracy = FeatureNetworkTraining.Accuracy(network, images, labels);
        output.WriteLine($"accuracy on the 500-image slice: {accuracy:P1}");
        Assert.InRange(accuracy, 0.90, 1.0);
        Assert.Equal(FashionFeatureNetwork.NetworkName, network.WeightsMetadata[FeatureNetworkTraining.NetworkKey]);
        Assert.False(network.training);
    }

    [Fact]
    public void FeaturesAreFloat64OnTheCpu()
    {
        using var network = FashionFeatureNetwork.LoadDefault();
        using var images = EvaluationData.FashionMnistTestImages(FixtureFolder, 20);
        using var features = network.Features(images);
        Assert.Equal(new long[] { 20, 128 }, features.shape);
        Assert.Equal(ScalarType.Float64, features.dtype);
        Assert.Equal(DeviceType.CPU, features.device_type);
        Assert.True(features.min().item<double>() >= 0); // post-ReLU
        Assert.True(features.std().item<double>() > 0);

        // Chunking and batching do not change the features; a batch of one gives the same row. To float32's rounding of
        // the largest feature: the convolutions' kernels, and so the summation order, depend on the batch and on the CPU
        // (an AMD EPYC put a batch of one 2.7e-6 from a batch of 20, on features up to 11).
        double largest = features.abs().max().item<double>();
        network.ChunkSize = 7;
        using var chunked = network.Features(images);
        Assert.InRange((chunked - features).abs().max().item<double>(), 0, 1e-6 * largest);
        using var one = network.Features(images.narrow(0, 3, 1));
        Assert.InRange((one[0] - features[3]).abs().max().item<double>(), 0, 1e-6 * largest);
    }

    [Fact]
    public void OtherShapesAreConvertedOrRefused()
    {
        using var network = FashionFeatureNetwork.LoadDefault();
        using var images = EvaluationData.FashionMnistTestImages(FixtureFolder, 8);
        using var grey = network.Features(images);

        // Three equal channels are the same grey image (the luma weights sum to 1).
        using var rgb = network.Features(images.expand(8, 3, 28, 28));
        Assert.True(rgb.allclose(grey, rtol: 1e-5, atol: 1e-5));

        // 32x32 is resized to 28x28: other features, the right shape.
        using var resized = network.Features(nn.functional.pad(images, new long[] { 2, 2, 2, 2 }, value: -1.0));
        Assert.Equal(new long[] { 8, 128 }, resized.shape);

        var e = Assert.Throws<ArgumentException>(() => network.Features(zeros(4, 2, 28, 28)));
        Assert.Contains("[N, 1, 28, 28]", e.Message);
        Assert.Contains("[4, 2, 28, 28]", e.Message);
        Assert.Throws<ArgumentException>(() => network.Features(zeros(28, 28)));
    }

    [Fact]
    public void LoadingDrawsNothingFromTheGlobalGenerator()
    {
        // Training evaluations load the network mid-run; on the CPU dropout draws from the global generator, so a draw
        // here would make a run with evaluations train differently from one without.
        random.manual_seed(3);
        using (FashionFeatureNetwork.LoadDefault()) { }
        using var drawn = rand(8);
        random.manual_seed(3);
        using var expected = rand(8);
        Assert.True(drawn.eq(expected).all().item<bool>());
    }

    [Fact]
    public void LoadRoundTripsTheWeights()
    {
        using var network = FashionFeatureNetwork.LoadDefault();
        var path = Path.Combine(Path.GetTempPath(), $"metrics-roundtrip-{Guid.NewGuid():N}.safetensors");
        try
        {
            DiffusionDsl.Runtime.Checkpoints.Safetensors.SafetensorsWeights.Export(network, path);
            using var loaded = FashionFeatureNetwork.Load(path);
            using var images = EvaluationData.FashionMnistTestImages(FixtureFolder, 16);
            using var a = network.Logits(images);
            using var b = loaded.Logits(images);
            Assert.True(a.eq(b).all().item<bool>());
            // The same weights from another file (written anew, with other metadata) are the same feature space: the name
            // is the weights' values', not the file's.
            Assert.Equal(FashionFeatureNetwork.NetworkName, network.Name);
            Assert.Equal(FashionFeatureNetwork.NetworkName, loaded.Name);

            // A fresh (untrained) network gives other logits: the comparison can fail. It is another space, by name too
            // (it was named as the built-in network, so cached built-in features could have been handed to it).
            using var fresh = new FashionFeatureNetwork();
            using var c = fresh.Logits(images);
            Assert.False(a.allclose(c));
            Assert.Matches($"^{FashionFeatureNetwork.NetworkName}@[0-9a-f]{{12}}$", fresh.Name);

            // Weights changed in place rename the space at once.
            using (torch.no_grad()) loaded.parameters().First().add_(1e-3f);
            Assert.Matches($"^{FashionFeatureNetwork.NetworkName}@[0-9a-f]{{12}}$", loaded.Name);
            Assert.NotEqual(fresh.Name, loaded.Name);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
