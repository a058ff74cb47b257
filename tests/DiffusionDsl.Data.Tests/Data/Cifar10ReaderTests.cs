using System.IO;
using DiffusionDsl.Runtime.Data;
using DiffusionDsl.Tests.Shared;

namespace DiffusionDsl.Data.Tests.Data;

public class Cifar10ReaderTests
{
    [Fact]
    public void ReadsRecordsAndLabels()
    {
        using var folder = new ScratchFolder();
        var path = folder.File("data_batch_1.bin");
        File.WriteAllBytes(path, TestFiles.Cifar(3, i => (byte)(i / 3072 * 10 + 1)));

        var (images, labels) = Cifar10Reader.Read(path);

        Assert.Equal((3, 3, 32, 32), (images.Count, images.Channels, images.Height, images.Width));
        Assert.Equal(new byte[] { 0, 1, 2 }, labels);
        Assert.Equal(21, images.Pixels[2 * 3072]);
    }

    [Fact]
    public void TruncatedBatchNamesTheFile()
    {
        using var folder = new ScratchFolder();
        var path = folder.File("data_batch_2.bin");
        File.WriteAllBytes(path, TestFiles.Cifar(2, _ => 0)[..5000]);

        var error = Assert.Throws<DataFormatException>(() => Cifar10Reader.Read(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void FolderOfBatchesIsConcatenated()
    {
        using var folder = new ScratchFolder();
        File.WriteAllBytes(folder.File("data_batch_1.bin"), TestFiles.Cifar(2, _ => 0));
        File.WriteAllBytes(folder.File("data_batch_2.bin"), TestFiles.Cifar(3, _ => 255));
        File.WriteAllBytes(folder.File("test_batch.bin"), TestFiles.Cifar(4, _ => 9));

        var images = DatasetLoader.ReadRaw(folder.Path);

        Assert.Equal(5, images.Count);
        Assert.Equal(255, images.Pixels[^1]);
    }

    /// <summary>A preview or README image beside the batches leaves them the data (it made the folder one of a single image).</summary>
    [Fact]
    public void AnImageBesideTheBatchesIsNotTheData()
    {
        using var folder = new ScratchFolder();
        File.WriteAllBytes(folder.File("data_batch_1.bin"), TestFiles.Cifar(2, _ => 7));
        TestFiles.Image(folder.File("preview.png"), 32, 32, SkiaSharp.SKColors.Red);
        File.WriteAllBytes(folder.File("train-images-idx3-ubyte"), TestFiles.Idx(3, 28, 28, _ => 1));

        var images = DatasetLoader.ReadRaw(folder.Path);
        Assert.Equal((2, 3), (images.Count, images.Channels));

        File.Delete(folder.File("data_batch_1.bin"));
        Assert.Equal((3, 1), (DatasetLoader.ReadRaw(folder.Path).Count, DatasetLoader.ReadRaw(folder.Path).Channels));
    }
}
