using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Data;
using DiffusionDsl.Tests.Shared;

namespace DiffusionDsl.Data.Tests.Data;

/// <summary>The files most often given in an IDX file's place are named for what they are, with what to give instead.</summary>
public class DataFileKindsTests
{
    [Theory]
    [InlineData("cifar-10-binary.tar.gz", new byte[] { 0x1F, 0x8B, 8, 0 }, "a tar archive (CIFAR-10's cifar-10-binary.tar.gz is one): extract it")]
    [InlineData("images.zip", new byte[] { (byte)'P', (byte)'K', 3, 4, 0, 0 }, "a zip archive: extract it")]
    [InlineData("cat.png", new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10 }, "a single image: give the folder")]
    [InlineData("cat.jpg", new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, "a single image: give the folder")]
    [InlineData("x.npy", new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }, "a NumPy .npy array: save it as a .safetensors file")]
    public void AMisplacedFileIsNamed(string name, byte[] head, string expected)
    {
        using var folder = new ScratchFolder();
        var path = folder.File(name);
        File.WriteAllBytes(path, head.Concat(new byte[300]).ToArray());
        var error = Assert.Throws<DataFormatException>(() => DatasetLoader.ReadRaw(path));
        Assert.Contains($"{path}: {expected}", error.Message);
    }

    [Fact]
    public void AFolderOfClassFoldersSaysOnlyOneFolderIsRead()
    {
        using var folder = new ScratchFolder();
        Directory.CreateDirectory(folder.File("cat"));
        File.WriteAllBytes(Path.Combine(folder.File("cat"), "1.png"), new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' });
        var error = Assert.Throws<DataFormatException>(() => DatasetLoader.ReadRaw(folder.Path));
        Assert.Contains("holds its images in subfolders (cat/ among them)", error.Message);
    }
}
