using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Checkpoints;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;
using DiffusionDsl.Runtime.Evaluation;
using DiffusionDsl.Runtime.Evaluation.Inception;
using DiffusionDsl.Tests.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Evaluation;

/// <summary>
/// The FID Inception-v3 against pytorch-fid itself: tests/Fixtures/Inception holds the state_dict keys of the network
/// pytorch-fid loads its weights into, and its pool3 features of fixed images under deterministic weights
/// (scripts/inception-fixture.py, which runs pytorch-fid's inception.py unmodified). No pretrained weights exist here.
/// </summary>
public sealed class InceptionV3FeaturesTests : IDisposable
{
    private static readonly string FixtureFolder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Inception");
    private readonly ScratchFolder _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private string File(string name) => _scratch.File(name);

    /// <summary>The fixture's keys in pytorch-fid's state_dict order, with their shapes (num_batches_tracked: []).</summary>
    private static List<(string Name, long[] Shape)> ReferenceKeys() =>
        System.IO.File.ReadAllLines(Path.Combine(FixtureFolder, "fid-inception-keys.txt"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('\t'))
            .Select(f => (f[0], f[1].Length == 0 ? Array.Empty<long>() : f[1].Split('x').Select(long.Parse).ToArray()))
            .ToList();

    [Fact]
    public void TheNetworkHoldsPytorchFidsWeightNamesAndShapes()
    {
        var reference = ReferenceKeys();
        using var network = new FidInceptionV3();

        var ours = network.WeightShapes();
        var theirs = reference.Where(k => !FidInceptionV3.IsIgnoredName(k.Name)).ToList();
        Assert.Equal(566, reference.Count); // 94 BasicConv2d x (conv + 4 BN tensors + num_batches_tracked) + fc.weight + fc.bias
        Assert.Equal(470, theirs.Count);
        // TorchSharp lists parameters before buffers; the names and shapes are what loading needs.
        Assert.Equal(theirs.Select(k => k.Name).Order(StringComparer.Ordinal), ours.Select(k => k.Name).Order(StringComparer.Ordinal));
        var shapes = theirs.ToDictionary(k => k.Name, k => k.Shape);
        foreach (var (name, shape) in ours)
            Assert.True(shapes[name].SequenceEqual(shape), $"{name}: ours [{string.Join(", ", shape)}], pytorch-fid's [{string.Join(", ", shapes[name])}]");
        Assert.Equal(21_820_000L, ours.Sum(k => k.Shape.Aggregate(1L, (a, b) => a * b)));

        // What the loader skips is exactly the fc classifier and the BatchNorm counters.
        var ignored = reference.Where(k => FidInceptionV3.IsIgnoredName(k.Name)).Select(k => k.Name).ToList();
        Assert.Equal(96, ignored.Count);
        Assert.Equal(new[] { "fc.weight", "fc.bias" }, ignored.Where(n => n.StartsWith("fc.")));
        Assert.Equal(reference.Count(k => k.Name.EndsWith(".bn.running_var")), ignored.Count(n => n.EndsWith(".num_batches_tracked")));
    }

    [Fact]
    public void PoolThreeMatchesPytorchFidForRgbAndGreyImagesOfAnySize()
    {
        var weights = File("fid-inception.safetensors");
        WriteDeterministicWeights(weights);
        using var extractor = InceptionV3Features.Load(weights);
        using var fixture = SafetensorsFile.Open(Path.Combine(FixtureFolder, "fid-inception-pool3.safetensors"));

        Assert.Equal((2048, 3, 299), (extractor.Dimension, extractor.ImageChannels, extractor.ImageSize));
        foreach (var (input, expected, shape) in new[] { ("rgb_input", "rgb_pool3", "2x3x32x32"), ("gray_input", "gray_pool3", "2x1x28x28") })
        {
            using var scope = NewDisposeScope();
            var images = fixture.Read(input); // pytorch-fid's [0, 1] input
            Assert.Equal(shape, string.Join("x", images.shape));
            var features = extractor.Features(images * 2 - 1);
            var reference = fixture.Read(expected).to(ScalarType.Float64);

            Assert.Equal(ScalarType.Float64, features.dtype);
            Assert.Equal(new long[] { 2, 2048 }, features.shape);
            Assert.True(features.min().item<double>() >= 0, "pool3 averages ReLU outputs");
            double error = (features - reference).abs().max().item<double>() / reference.abs().max().item<double>();
            Assert.True(error <= 1e-4, $"{input}: max |ours - pytorch-fid| / max |pytorch-fid| = {error:E2}");
            // The two images differ by more than the tolerance, so the comparison sees the input.
            double between = (reference[0] - reference[1]).abs().max().item<double>() / reference.abs().max().item<double>();
            Assert.True(between > 100 * error, $"{input}: the fixture's two images differ by only {between:E2}");
        }
    }

    [Fact]
    public void GreyImagesAreRepeatedToThreeChannelsAndResizedTo299()
    {
        using var extractor = new InceptionV3Features(new FidInceptionV3());
        using var scope = NewDisposeScope();
        var grey = rand(new long[] { 2, 1, 28, 28 }, generator: new Generator(5)) * 2 - 1;

        var prepared = extractor.Prepare(grey);
        Assert.Equal(new long[] { 2, 3, 299, 299 }, prepared.shape);
        Assert.True(Same(prepared[.., 0], prepared[.., 1]) && Same(prepared[.., 0], prepared[.., 2]));
        Assert.True(Same(extractor.Features(grey), extractor.Features(grey.repeat(1, 3, 1, 1))));
        // Bilinear, align_corners=False: a constant image stays constant, and 299x299 passes through unchanged.
        Assert.True(extractor.Prepare(full(new long[] { 1, 3, 32, 32 }, 0.25f)).sub(0.25).abs().max().item<float>() < 1e-6);
        var exact = rand(new long[] { 1, 3, 299, 299 }, generator: new Generator(6));
        Assert.True(Same(extractor.Prepare(exact), exact));
        Assert.Throws<ArgumentException>(() => extractor.Prepare(zeros(1, 2, 28, 28)));
    }

    [Fact]
    public void RandomWeightsRoundTripThroughASafetensorsFileWithPytorchFidsNames()
    {
        random.manual_seed(11);
        using var source = new FidInceptionV3();
        using (no_grad())
        {
            // Non-default BatchNorm statistics, so that loading them is seen.
            foreach (var (name, t) in source.state_dict().Where(p => p.Key.EndsWith("running_var") || p.Key.EndsWith("running_mean")))
                t.copy_(rand(t.shape) + (name.EndsWith("var") ? 0.5 : -0.5));
        }
        var weights = File("random.safetensors");
        var state = source.state_dict().ToList(); // with num_batches_tracked, as torch's state_dict has it
        state.Add(new("fc.weight", randn(1008, 2048)));
        state.Add(new("fc.bias", randn(1008)));
        SafetensorsWriter.Write(weights, state);

        // Loading draws nothing from the global generator (training's CPU dropout draws from it).
        random.manual_seed(12);
        using var loaded = InceptionV3Features.Load(weights);
        using (var drawn = rand(4))
        {
            random.manual_seed(12);
            using var expected = rand(4);
            Assert.True(drawn.eq(expected).all().item<bool>());
        }
        foreach (var (name, t) in loaded.Network.state_dict().Where(p => !FidInceptionV3.IsIgnoredName(p.Key)))
            Assert.True(Same(t, source.state_dict()[name]), name);

        using var scope = NewDisposeScope();
        var images = rand(new long[] { 2, 3, 32, 32 }, generator: new Generator(7)) * 2 - 1;
        var features = loaded.Features(images);
        Assert.Equal(new long[] { 2, 2048 }, features.shape);
        Assert.True(features.min().item<double>() >= 0);
        Assert.True(features.max().item<double>() > 0);
        using var fresh = new InceptionV3Features(new FidInceptionV3());
        Assert.False(fresh.Features(images).allclose(features), "a network with other weights gave the same features");

        // The feature space is named by the weights: the same ones written and read back share it, others do not.
        Assert.StartsWith(InceptionV3Features.FeatureSpaceName + "@", loaded.Name);
        Assert.Equal(new InceptionV3Features(source).Name, loaded.Name);
        Assert.NotEqual(fresh.Name, loaded.Name);
    }

    [Fact]
    public void AMissingOrForeignTensorIsNamed()
    {
        var names = ReferenceKeys().Select(k => k.Name).Where(n => !FidInceptionV3.IsIgnoredName(n)).ToList();

        var missing = File("missing.safetensors");
        WriteTiny(missing, names.Where(n => n != "Mixed_6c.branch7x7dbl_4.bn.running_var"));
        var error = Assert.Throws<CheckpointException>(() => InceptionV3Features.Load(missing));
        Assert.Contains("1 of its 470 tensors are missing (Mixed_6c.branch7x7dbl_4.bn.running_var)", error.Message);
        Assert.Contains(missing, error.Message);

        var foreign = File("foreign.safetensors");
        WriteTiny(foreign, names.Append("AuxLogits.fc.weight"));
        error = Assert.Throws<CheckpointException>(() => InceptionV3Features.Load(foreign));
        Assert.Contains("1 tensors are not the network's (AuxLogits.fc.weight)", error.Message);

        var wrapper = File("wrapper.safetensors");
        WriteTiny(wrapper, names.Select(n => "blocks.0." + n));
        error = Assert.Throws<CheckpointException>(() => InceptionV3Features.Load(wrapper));
        Assert.Contains("470 of its 470 tensors are missing", error.Message);
        Assert.Contains("convert the .pth file itself", error.Message);
    }

    [Fact]
    public void AWrongShapeIsNamed()
    {
        var names = ReferenceKeys().Select(k => k.Name).Where(n => !FidInceptionV3.IsIgnoredName(n)).ToList();
        var path = File("shapes.safetensors");
        WriteTiny(path, names);

        var error = Assert.Throws<CheckpointException>(() => InceptionV3Features.Load(path));
        Assert.Contains("tensor 'Conv2d_1a_3x3.conv.weight' is [1]; the FID Inception-v3 expects [32, 3, 3, 3]", error.Message);
        Assert.Throws<CheckpointException>(() => InceptionV3Features.Load(File("absent.safetensors")));
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    /// <summary>Every name with a one-element tensor: enough for the loader's name checks, which run before any shape.</summary>
    private static void WriteTiny(string path, IEnumerable<string> names) =>
        SafetensorsWriter.Write(path, names.Select(n => new KeyValuePair<string, Tensor>(n, zeros(1))).ToList());

    /// <summary>
    /// scripts/inception-fixture.py's weights, element for element: tensor k of the ordinally sorted names
    /// (num_batches_tracked left out) gets s = 2u - 1 with u from murmur3's finaliser of (i + 1) * 0x9E3779B97F4A7C15 +
    /// (k + 1) * 0xBF58476D1CE4E5B9 (mod 2^64); conv and fc weights s * sqrt(6 / fan_in), BN weight 1 + 0.25 s,
    /// bias, running_mean and fc bias 0.1 s, running_var 1 + 0.5 s^2; float64, then float32. Written with every key
    /// of pytorch-fid's state_dict, num_batches_tracked and fc included, as a converted .pth holds them.
    /// </summary>
    private static void WriteDeterministicWeights(string path)
    {
        var keys = ReferenceKeys();
        var sorted = keys.Select(k => k.Name).Where(n => !n.EndsWith(".num_batches_tracked")).OrderBy(n => n, StringComparer.Ordinal).ToList();
        var tensors = new List<KeyValuePair<string, Tensor>>();
        try
        {
            foreach (var (name, shape) in keys)
            {
                if (name.EndsWith(".num_batches_tracked"))
                {
                    tensors.Add(new(name, tensor(0L)));
                    continue;
                }
                int k = sorted.IndexOf(name);
                long count = shape.Aggregate(1L, (a, b) => a * b);
                var values = new float[count];
                for (long i = 0; i < count; i++)
                {
                    double s = Uniform(i, k);
                    double v = name.EndsWith("running_var") ? 1 + 0.5 * s * s
                        : name.EndsWith("running_mean") || name.EndsWith("bias") ? 0.1 * s
                        : shape.Length == 1 ? 1 + 0.25 * s
                        : s * Math.Sqrt(6.0 / (count / shape[0]));
                    values[i] = (float)v;
                }
                tensors.Add(new(name, tensor(values, shape)));
            }
            SafetensorsWriter.Write(path, tensors);
        }
        finally
        {
            foreach (var (_, t) in tensors) t.Dispose();
        }
    }

    private static double Uniform(long i, int k)
    {
        unchecked
        {
            ulong h = (ulong)(i + 1) * 0x9E3779B97F4A7C15UL + (ulong)(k + 1) * 0xBF58476D1CE4E5B9UL;
            h ^= h >> 33;
            h *= 0xFF51AFD7ED558CCDUL;
            h ^= h >> 33;
            h *= 0xC4CEB9FE1A85EC53UL;
            h ^= h >> 33;
            return (h >> 11) * Math.Pow(2, -53) * 2 - 1;
        }
    }
}
