using System;
using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Runtime.Checkpoints;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;
using DiffusionDsl.Runtime.Evaluation.Inception;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Evaluation;

/// <summary>
/// FID's standard feature space: the 2048-d pool3 output of the FID Inception-v3 (<see cref="FidInceptionV3"/>, as
/// pytorch-fid defines it), with weights the user supplies. Images [N, 1 or 3, H, W] in [-1, 1] are brought to what
/// the network is fed (<see cref="Preprocessing"/>): a grey channel is repeated to RGB (pytorch-fid opens every image as
/// RGB), each image is resized to 299x299, bilinearly as PyTorch (pytorch-fid) or as TensorFlow 1 (TensorFlow's FID
/// graph) resizes, and scaled to the network's range: [-1, 1] is pytorch-fid's (v - 127.5) / 127.5 of 8-bit values v
/// already, TensorFlow's is (v - 128) / 128 (both linear, so the order of resize and scaling does not matter).
/// <para>
/// The weights are pytorch-fid's <c>pt_inception-2015-12-05-6726825d.pth</c> (TensorFlow's 2015-12-05 Inception graph,
/// ported), converted once to safetensors with the same tensor names (cli/README.md, "msd evaluate", shows how).
/// Nothing is downloaded.
/// </para>
/// </summary>
public sealed class InceptionV3Features : IFeatureExtractor, IDisposable
{
    public const string FeatureSpaceName = "fid-inception-v3-pool3";

    /// <summary>The name's suffix under <see cref="InceptionPreprocessing.TensorFlow"/>: the same network fed other inputs is another space.</summary>
    public const string TensorFlowSuffix = "-tf";

    /// <summary>The weights file pytorch-fid downloads, which <see cref="Load"/> reads once converted to safetensors.</summary>
    public const string ReferenceWeightsFile = "pt_inception-2015-12-05-6726825d.pth";

    public FidInceptionV3 Network { get; }
    public Device Device { get; }
    public InceptionPreprocessing Preprocessing { get; }

    /// <summary>Images per forward pass: at 299x299 each image holds about 20 MB of activations.</summary>
    public int ChunkSize { get; set; } = 16;

    /// <summary>
    /// <see cref="FeatureSpaceName"/>@ the first 12 hex digits of the weights' SHA-256 (<see cref="WeightsFingerprint"/>,
    /// of their float32 values in name order): scores in two networks' spaces do not compare, and reference features are
    /// cached per name.
    /// </summary>
    public string Name { get; }
    public int Dimension => FidInceptionV3.Pool3Dimension;
    public int ImageChannels => 3;
    public int ImageSize => FidInceptionV3.InputSize;

    /// <summary>
    /// Wraps a network whose weights are already set (e.g. by <see cref="LoadWeights"/>), moved to <paramref name="device"/>
    /// (default CPU). The feature space's <see cref="Name"/> is taken from those weights here: load others into a new one.
    /// </summary>
    public InceptionV3Features(FidInceptionV3 network, Device? device = null, InceptionPreprocessing preprocessing = InceptionPreprocessing.PytorchFid)
    {
        Device = device ?? CPU;
        Network = network;
        Preprocessing = preprocessing;
        var suffix = preprocessing == InceptionPreprocessing.TensorFlow ? TensorFlowSuffix : "";
        Name = $"{FeatureSpaceName}{suffix}@{WeightsFingerprint.Of(network.state_dict().Where(p => !FidInceptionV3.IsIgnoredName(p.Key)))}";
        Network.to(Device).eval();
    }

    /// <summary>The FID Inception-v3 with the weights of a safetensors file holding pytorch-fid's state_dict names.</summary>
    public static InceptionV3Features Load(string path, Device? device = null, InceptionPreprocessing preprocessing = InceptionPreprocessing.PytorchFid)
    {
        var network = GlobalRandomStatePreserved.Build(() => new FidInceptionV3());
        try
        {
            LoadWeights(network, path);
            return new InceptionV3Features(network, device, preprocessing);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Copies every weight of <paramref name="network"/> from the safetensors file at <paramref name="path"/>, by name
    /// (pytorch-fid's state_dict keys, e.g. <c>Mixed_7c.branch3x3dbl_3b.bn.running_var</c>), checking each shape.
    /// Floating-point tensors of any width are converted to float32. The fc classifier and BatchNorm's
    /// num_batches_tracked may be present and are ignored; any other name, a missing name or a wrong shape is a
    /// <see cref="CheckpointException"/> that names it.
    /// </summary>
    public static void LoadWeights(FidInceptionV3 network, string path)
    {
        using var file = SafetensorsFile.Open(path);
        var expected = network.state_dict().Where(p => !FidInceptionV3.IsIgnoredName(p.Key)).ToList();
        var expectedNames = expected.Select(p => p.Key).ToHashSet();
        var missing = expected.Where(p => !file.Contains(p.Key)).Select(p => p.Key).ToList();
        var unexpected = file.Tensors.Select(t => t.Name).Where(n => !expectedNames.Contains(n) && !FidInceptionV3.IsIgnoredName(n)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            var problems = new List<string>();
            if (missing.Count > 0) problems.Add($"{missing.Count} of its {expected.Count} tensors are missing ({List(missing)})");
            if (unexpected.Count > 0) problems.Add($"{unexpected.Count} tensors are not the network's ({List(unexpected)})");
            var hint = file.Tensors.Any(t => t.Name.StartsWith("blocks.", StringComparison.Ordinal))
                ? " The names look like pytorch-fid's InceptionV3 wrapper; convert the .pth file itself, whose names are Inception3's."
                : "";
            throw new CheckpointException(path,
                $"not the FID Inception-v3 weights (pytorch-fid's {ReferenceWeightsFile} converted to safetensors): {string.Join("; ", problems)}.{hint}");
        }

        using (no_grad())
        {
            foreach (var (name, target) in expected)
            {
                var entry = file[name];
                if (!entry.Shape.SequenceEqual(target.shape))
                    throw new CheckpointException(path,
                        $"tensor '{name}' is [{string.Join(", ", entry.Shape)}]; the FID Inception-v3 expects [{string.Join(", ", target.shape)}].");
                if (entry.DType is not (ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float64))
                    throw new CheckpointException(path, $"tensor '{name}' is {entry.DType}; the FID Inception-v3 needs floating-point weights.");
                using var value = file.Read(name);
                target.copy_(value);
            }
        }
    }

    /// <summary>
    /// Images [N, 1 or 3, H, W] in [-1, 1] as the network takes them: float32 [N, 3, 299, 299] on the extractor's
    /// device, grey repeated to three channels, resized by <see cref="Preprocessing"/>'s resize unless already 299x299
    /// and, for TensorFlow's, rescaled from (v - 127.5) / 127.5 to (v - 128) / 128.
    /// </summary>
    public Tensor Prepare(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] is not (1 or 3))
            throw new ArgumentException(
                $"The FID Inception-v3 takes images [N, 1 or 3, H, W] (grey is repeated to RGB), not [{string.Join(", ", images.shape)}].", nameof(images));
        using var scope = NewDisposeScope();
        var x = images.to(ScalarType.Float32, Device);
        if (x.shape[1] == 1) x = x.expand(-1, 3, -1, -1);
        if (Preprocessing == InceptionPreprocessing.TensorFlow)
        {
            if (x.shape[2] != ImageSize || x.shape[3] != ImageSize) x = TensorFlowBilinearResize.Resize(x, ImageSize);
            x = x.mul(127.5 / 128).sub(0.5 / 128); // v = 127.5 (x + 1): (v - 128) / 128
        }
        else if (x.shape[2] != ImageSize || x.shape[3] != ImageSize)
        {
            x = nn.functional.interpolate(x, size: new long[] { ImageSize, ImageSize }, mode: InterpolationMode.Bilinear, align_corners: false);
        }
        return x.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>pool3 features, float64 [N, 2048] on the CPU, <see cref="ChunkSize"/> images per pass.</summary>
    public Tensor Features(Tensor images)
    {
        if (images.dim() != 4 || images.shape[0] < 1)
            throw new ArgumentException($"Expected images [N, C, H, W] with N >= 1, got [{string.Join(", ", images.shape)}].", nameof(images));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // FID's features in float32, as on a CPU: a CUDA device's TF32 convolutions would move them by its rounding.
        using var strict = DiffusionDsl.Runtime.Training.MixedPrecisionPolicy.StrictFloat32();
        var parts = new List<Tensor>();
        long n = images.shape[0];
        for (long start = 0; start < n; start += ChunkSize)
        {
            using var chunkScope = NewDisposeScope();
            var chunk = images.narrow(0, start, Math.Min(ChunkSize, n - start));
            parts.Add(Network.forward(Prepare(chunk)).to(ScalarType.Float64, CPU).MoveToOuterDisposeScope());
        }
        return (parts.Count == 1 ? parts[0] : cat(parts, 0)).MoveToOuterDisposeScope();
    }

    public void Dispose() => Network.Dispose();

    private static string List(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(5)) + (names.Count > 5 ? $", ... {names.Count - 5} more" : "");
}
