using System;
using System.IO;
using System.Linq;

namespace DiffusionDsl.Runtime.Data;

/// <summary>
/// Loads a dataset from a path, picking the format: an IDX image file (raw or .gz), a CIFAR-10
/// .bin batch, or a folder holding PNG/JPEG images, CIFAR-10 data_batch_*.bin files, or an IDX
/// train-images file (as Debian's dataset-fashion-mnist installs it).
/// </summary>
public static class DatasetLoader
{
    public static ImageDataset Load(string path, DatasetOptions? options = null) =>
        ImageDataset.FromRaw(ReadRaw(path, options?.ImageChannels ?? 3, options?.Limit, options?.ImageSize), options);

    /// <param name="limit">For a folder of images, decode only the first N (the dataset's Limit cuts every format afterwards).</param>
    /// <param name="imageSize">For a folder of images, the side the model takes (<see cref="DatasetOptions.ImageSize"/>).</param>
    public static RawImages ReadRaw(string path, int imageChannels = 3, int? limit = null, int? imageSize = null)
    {
        if (Directory.Exists(path)) return ReadFolder(path, imageChannels, limit, imageSize);
        if (!File.Exists(path)) throw new DataFormatException(path, "no such file or folder.");
        if (IsCifarBatch(path)) return Cifar10Reader.ReadImages(path);
        if (DataFileKinds.Misplaced(path) is { } problem) throw new DataFormatException(path, problem);
        return IdxReader.ReadImages(path);
    }

    private static RawImages ReadFolder(string folder, int imageChannels, int? limit, int? imageSize)
    {
        var files = Directory.GetFiles(folder).OrderBy(f => f, StringComparer.Ordinal).ToArray();
        // A dataset's own files first: a preview PNG or a README image beside CIFAR-10's batches or an IDX file would
        // otherwise make the folder a folder of one image.
        var cifar = files.Where(f => Path.GetFileName(f).StartsWith("data_batch_", StringComparison.Ordinal) && IsCifarBatch(f)).ToArray();
        if (cifar.Length > 0)
        {
            var all = Cifar10Reader.ReadImages(cifar[0]);
            foreach (var file in cifar.Skip(1)) all = RawImages.Concatenate(all, Cifar10Reader.ReadImages(file), file);
            return all;
        }

        var idx = files.FirstOrDefault(f => Path.GetFileName(f).StartsWith("train-images-idx3-ubyte", StringComparison.Ordinal))
                  ?? files.FirstOrDefault(f => Path.GetFileName(f).Contains("images-idx3-ubyte", StringComparison.Ordinal));
        if (idx is not null) return IdxReader.ReadImages(idx);

        if (files.Any(ImageFolderReader.IsImageFile)) return ImageFolderReader.Read(folder, imageChannels, limit, imageSize);
        // A folder of class folders (root/cat/*.png): only the folder itself is read.
        var nested = Directory.GetDirectories(folder).FirstOrDefault(d => Directory.EnumerateFiles(d).Any(ImageFolderReader.IsImageFile));
        if (nested is not null)
            throw new DataFormatException(folder, $"holds its images in subfolders ({Path.GetFileName(nested)}/ among them); the images are read from one folder, " +
                                                  "not its subfolders: give one subfolder, or put the images in one folder.");
        throw new DataFormatException(folder, "holds no PNG/JPEG images, no CIFAR-10 data_batch_*.bin files and no *images-idx3-ubyte[.gz] file.");
    }

    private static bool IsCifarBatch(string path) =>
        Path.GetExtension(path).Equals(".bin", StringComparison.OrdinalIgnoreCase);
}
