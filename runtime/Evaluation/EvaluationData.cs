using System;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Data;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Evaluation;

/// <summary>
/// Fashion-MNIST for evaluation: the held-out t10k set (the reference set sample quality is measured against) and
/// the training set (what <see cref="FeatureNetworkTraining"/> trains on), read from a folder holding the IDX files
/// raw or gzipped, as Debian's dataset-fashion-mnist installs them.
/// </summary>
public static class EvaluationData
{
    /// <summary>Where Debian's dataset-fashion-mnist installs the files.</summary>
    public const string DefaultFashionMnistFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>The first <paramref name="count"/> (default: all 10,000) held-out test images, float32 [N, 1, 28, 28] in [-1, 1].</summary>
    public static Tensor FashionMnistTestImages(string folder, int? count = null) => Images(folder, "t10k", count);

    /// <summary>The matching test labels (0-9), int64 [N].</summary>
    public static Tensor FashionMnistTestLabels(string folder, int? count = null) => Labels(folder, "t10k", count);

    /// <summary>The first <paramref name="count"/> (default: all 60,000) training images, float32 [N, 1, 28, 28] in [-1, 1].</summary>
    public static Tensor FashionMnistTrainImages(string folder, int? count = null) => Images(folder, "train", count);

    /// <summary>The matching training labels (0-9), int64 [N].</summary>
    public static Tensor FashionMnistTrainLabels(string folder, int? count = null) => Labels(folder, "train", count);

    /// <summary>Whether <paramref name="folder"/> holds the test images (t10k), with or without their labels.</summary>
    public static bool HasFashionMnistTestImages(string folder) => FindFile(folder, "t10k-images-idx3-ubyte") is not null;

    /// <summary>Whether <paramref name="folder"/> holds both test files.</summary>
    public static bool HasFashionMnistTest(string folder) =>
        FindFile(folder, "t10k-images-idx3-ubyte") is not null && FindFile(folder, "t10k-labels-idx1-ubyte") is not null;

    private static Tensor Images(string folder, string split, int? count)
    {
        var path = RequireFile(folder, $"{split}-images-idx3-ubyte");
        var raw = IdxReader.ReadImages(path);
        using var dataset = ImageDataset.FromRaw(raw, new DatasetOptions { Limit = Limit(count, raw.Count, path) });
        return dataset.Images.clone();
    }

    private static Tensor Labels(string folder, string split, int? count)
    {
        var path = RequireFile(folder, $"{split}-labels-idx1-ubyte");
        var labels = IdxReader.ReadLabels(path);
        int n = Limit(count, labels.Length, path);
        return tensor(labels.Take(n).Select(b => (long)b).ToArray(), dtype: ScalarType.Int64);
    }

    private static int Limit(int? count, int available, string path)
    {
        if (count is null) return available;
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "The count must be positive.");
        if (count > available) throw new DataFormatException(path, $"holds {available} items, fewer than the {count} asked for.");
        return count.Value;
    }

    private static string RequireFile(string folder, string stem) =>
        FindFile(folder, stem) ?? throw new DataFormatException(folder,
            $"has no {stem} or {stem}.gz (Fashion-MNIST's IDX files; on Debian: apt-get install dataset-fashion-mnist, which puts them in {DefaultFashionMnistFolder}).");

    private static string? FindFile(string folder, string stem) =>
        new[] { stem + ".gz", stem }.Select(name => Path.Combine(folder, name)).FirstOrDefault(File.Exists);
}
