using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Evaluation;

/// <summary>
/// A small Fashion-MNIST classifier whose penultimate layer is the feature space for sample-quality metrics (the role
/// Inception-v3 plays for FID, whose weights cannot be downloaded here). 1x28x28 input in [-1, 1]:
/// conv 3x3 32 - BN - ReLU - max-pool 2 (14x14) - conv 3x3 64 - BN - ReLU - max-pool 2 (7x7) - conv 3x3 128 - BN - ReLU -
/// max-pool 2 (3x3) - flatten (1,152) - linear 128 - ReLU (the 128-d features) - linear 10 (the logits); 242k parameters. Trained by
/// <see cref="FeatureNetworkTraining"/>; the runtime ships weights (<see cref="LoadDefault"/>).
/// </summary>
public sealed class FashionFeatureNetwork : nn.Module<Tensor, Tensor>, IClassifier
{
    /// <summary>The feature network's name in reports; the weights file records it too.</summary>
    public const string NetworkName = "fashion-cnn-128";

    /// <summary>The embedded weights' resource name (runtime/Evaluation/Weights/fashion-features.safetensors).</summary>
    public const string DefaultWeightsResource = "DiffusionDsl.Runtime.Evaluation.Weights.fashion-features.safetensors";

    /// <summary>The images handled at once by <see cref="Features"/> and <see cref="Logits"/>.</summary>
    public int ChunkSize { get; set; } = 500;

    private static readonly string[] Names =
        { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" };

    private readonly Conv2d conv1, conv2, conv3;
    private readonly BatchNorm2d norm1, norm2, norm3;
    private readonly Linear features, classifier;

    public FashionFeatureNetwork() : base(nameof(FashionFeatureNetwork))
    {
        conv1 = nn.Conv2d(1, 32, 3, padding: 1);
        norm1 = nn.BatchNorm2d(32);
        conv2 = nn.Conv2d(32, 64, 3, padding: 1);
        norm2 = nn.BatchNorm2d(64);
        conv3 = nn.Conv2d(64, 128, 3, padding: 1);
        norm3 = nn.BatchNorm2d(128);
        features = nn.Linear(128 * 3 * 3, 128);
        classifier = nn.Linear(128, 10);
        RegisterComponents();
    }

    /// <summary>
    /// <see cref="NetworkName"/> with the built-in weights; with any other weights (a file's, a fresh network's, weights
    /// changed in place) that name and a fingerprint of their values (<see cref="WeightsFingerprint"/>), so reports and
    /// cached reference features of two sets of weights never pass for one feature space, and one set of weights is one
    /// space whatever file it came from. Read from the current weights each time (hashing 242k values takes milliseconds).
    /// </summary>
    public string Name => WeightsFingerprint.Of(state_dict()) is var fingerprint && fingerprint == BuiltInFingerprint.Value
        ? NetworkName : $"{NetworkName}@{fingerprint}";
    public int Dimension => 128;
    public int ImageChannels => 1;
    public int ImageSize => 28;
    public int Classes => 10;
    public IReadOnlyList<string> ClassNames => Names;

    /// <summary>The metadata of the weights file this network was loaded from (empty for a fresh network).</summary>
    public IReadOnlyDictionary<string, string> WeightsMetadata { get; private set; } = new Dictionary<string, string>();

    /// <summary>Logits [N, 10] of images [N, 1, 28, 28] (as given: no resizing, current train/eval mode).</summary>
    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        return classifier.forward(Embed(images)).MoveToOuterDisposeScope();
    }

    /// <summary>The 128-d features (post-ReLU) of images [N, 1, 28, 28], in the current train/eval mode.</summary>
    internal Tensor Embed(Tensor images)
    {
        var x = nn.functional.max_pool2d(nn.functional.relu(norm1.forward(conv1.forward(images))), 2);
        x = nn.functional.max_pool2d(nn.functional.relu(norm2.forward(conv2.forward(x))), 2);
        x = nn.functional.max_pool2d(nn.functional.relu(norm3.forward(conv3.forward(x))), 2).flatten(1);
        return nn.functional.relu(features.forward(x));
    }

    /// <summary>Float64 features [N, 128] on the CPU, in eval mode, chunk by chunk; see <see cref="IFeatureExtractor.Features"/>.</summary>
    public Tensor Features(Tensor images) => Evaluate(images, Embed, ScalarType.Float64, CPU);

    /// <summary>Logits [N, 10] (float32, on the network's device), in eval mode.</summary>
    public Tensor Logits(Tensor images) => Evaluate(images, x => classifier.forward(Embed(x)), ScalarType.Float32, null);

    /// <summary>Predicted classes, int64 [N] on the CPU.</summary>
    public Tensor Predict(Tensor images)
    {
        using var scope = NewDisposeScope();
        return Logits(images).argmax(1).cpu().MoveToOuterDisposeScope();
    }

    private Tensor Evaluate(Tensor images, Func<Tensor, Tensor> head, ScalarType dtype, Device? device)
    {
        var device0 = parameters().First().device;
        bool wasTraining = training;
        eval();
        try
        {
            using var noGrad = no_grad();
            // Features in float32, as on a CPU (where training's evaluations run it): a CUDA device's TF32 convolutions
            // would move them, and the scores, by its rounding.
            using var strict = DiffusionDsl.Runtime.Training.MixedPrecisionPolicy.StrictFloat32();
            using var scope = NewDisposeScope();
            var input = Prepare(images);
            long n = input.shape[0];
            var parts = new List<Tensor>();
            for (long start = 0; start < n; start += ChunkSize)
            {
                using var chunkScope = NewDisposeScope(); // frees each chunk's activations before the next
                var chunk = input.narrow(0, start, Math.Min(ChunkSize, n - start)).to(ScalarType.Float32, device0);
                parts.Add(head(chunk).to(dtype, device ?? device0).MoveToOuterDisposeScope());
            }
            var result = parts.Count == 1 ? parts[0] : cat(parts, 0);
            return result.MoveToOuterDisposeScope();
        }
        finally
        {
            if (wasTraining) train();
        }
    }

    /// <summary>
    /// Images [N, C, H, W] as the network's 1x28x28: 3-channel images become grey (ITU-R BT.601 luma weights), other
    /// sizes are resized (bilinear, antialiased when shrinking). Anything else is an ArgumentException.
    /// </summary>
    private static Tensor Prepare(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] is not (1 or 3) || images.shape[2] < 1 || images.shape[3] < 1)
            throw new ArgumentException(
                $"{NetworkName} expects images [N, 1, 28, 28] (or [N, 3, H, W], converted to grey and resized), got [{string.Join(", ", images.shape)}].",
                nameof(images));
        var x = images.to_type(ScalarType.Float32);
        if (x.shape[1] == 3)
        {
            using var weights = tensor(new[] { 0.299f, 0.587f, 0.114f }, device: x.device).view(1, 3, 1, 1);
            x = (x * weights).sum(1, keepdim: true);
        }
        if (x.shape[2] != 28 || x.shape[3] != 28)
        {
            bool shrinking = x.shape[2] > 28 || x.shape[3] > 28;
            x = nn.functional.interpolate(x, new long[] { 28, 28 }, mode: InterpolationMode.Bilinear, align_corners: false, antialias: shrinking);
        }
        return x;
    }

    /// <summary>A network with weights from a safetensors file written by <see cref="FeatureNetworkTraining"/>, in eval mode.</summary>
    public static FashionFeatureNetwork Load(string safetensorsPath)
    {
        var network = GlobalRandomStatePreserved.Build(() => new FashionFeatureNetwork());
        try
        {
            network.WeightsMetadata = SafetensorsWeights.Import(network, safetensorsPath, WeightLayout.Native);
            network.eval();
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>The built-in weights' values' fingerprint; empty for a runtime built without them.</summary>
    private static readonly Lazy<string> BuiltInFingerprint = new(() =>
    {
        if (typeof(FashionFeatureNetwork).Assembly.GetManifestResourceInfo(DefaultWeightsResource) is null) return "";
        using var network = LoadDefault();
        return WeightsFingerprint.Of(network.state_dict());
    });

    /// <summary>The network with the weights shipped inside the runtime (trained by tools/FeatureNetwork), in eval mode.</summary>
    public static FashionFeatureNetwork LoadDefault()
    {
        using var stream = typeof(FashionFeatureNetwork).Assembly.GetManifestResourceStream(DefaultWeightsResource)
                           ?? throw new InvalidOperationException($"The runtime assembly has no embedded resource '{DefaultWeightsResource}'.");
        var path = Path.Combine(Path.GetTempPath(), $"diffusiondsl-fashion-features-{Guid.NewGuid():N}.safetensors");
        try
        {
            using (var file = File.Create(path)) stream.CopyTo(file);
            return Load(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
