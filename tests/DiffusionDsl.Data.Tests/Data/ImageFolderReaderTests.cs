using System.IO;
using DiffusionDsl.Runtime.Data;
using DiffusionDsl.Tests.Shared;
using SkiaSharp;

namespace DiffusionDsl.Data.Tests.Data;

public class ImageFolderReaderTests
{
    [Fact]
    public void DecodesPngAndJpegAsPlanarRgb()
    {
        using var folder = new ScratchFolder();
        TestFiles.Image(folder.File("a.png"), 6, 4, new SKColor(255, 0, 0));
        TestFiles.Image(folder.File("b.jpg"), 6, 4, new SKColor(0, 0, 255), SKEncodedImageFormat.Jpeg);
        File.WriteAllText(folder.File("notes.txt"), "not an image");

        var images = ImageFolderReader.Read(folder.Path);

        Assert.Equal((2, 3, 4, 6), (images.Count, images.Channels, images.Height, images.Width));
        int plane = 4 * 6;
        Assert.Equal(255, images.Pixels[1]);                 // a.png red plane, x = 1
        Assert.Equal(0, images.Pixels[2 * plane + 1]);       // a.png blue plane
        Assert.Equal(255, images.Pixels[0]);                 // the white first column
        Assert.InRange(images.Pixels[3 * plane + 2 * plane + 3], 240, 255); // b.jpg blue, lossy
        Assert.InRange(images.Pixels[3 * plane + 3], 0, 15);                // b.jpg red
    }

    [Fact]
    public void GreyscaleUsesLuma()
    {
        using var folder = new ScratchFolder();
        TestFiles.Image(folder.File("g.png"), 3, 3, new SKColor(0, 255, 0));

        var images = ImageFolderReader.Read(folder.Path, channels: 1);

        Assert.Equal(1, images.Channels);
        Assert.Equal(150, images.Pixels[1]);
    }

    [Fact]
    public void MixedSizesNameTheOddFile()
    {
        using var folder = new ScratchFolder();
        TestFiles.Image(folder.File("1.png"), 4, 4, SKColors.Red);
        TestFiles.Image(folder.File("2.png"), 5, 4, SKColors.Red);

        var error = Assert.Throws<DataFormatException>(() => ImageFolderReader.Read(folder.Path));
        Assert.EndsWith("2.png", error.FilePath);
        Assert.Contains("5x4", error.Message);
    }

    /// <summary>
    /// Images of another size than the model's are refused from the first file's header, before any is decoded: an oversized
    /// folder was decoded, then told to use --limit, then refused for its size. The second file here cannot be decoded.
    /// </summary>
    [Fact]
    public void ImagesOfAnotherSizeThanTheModelsAreRefusedBeforeDecoding()
    {
        using var folder = new ScratchFolder();
        TestFiles.Image(folder.File("1.png"), 20, 12, SKColors.Red);
        File.WriteAllBytes(folder.File("2.png"), new byte[] { 0x89, 0x50, 0x4e, 0x47, 1, 2, 3 });

        var error = Assert.Throws<DataFormatException>(() => ImageFolderReader.Read(folder.Path, imageSize: 8));
        Assert.Equal(folder.Path, error.FilePath);
        Assert.Contains("its images are 20x12 (1.png), but the model takes 8x8 images.", error.Message);
        Assert.Contains("not a decodable", Assert.Throws<DataFormatException>(() => ImageFolderReader.Read(folder.Path)).Message);
    }

    /// <summary>A limit decodes only the first files by name: a large folder is not decoded whole (and past 2 GiB refused) for a few images.</summary>
    [Fact]
    public void ALimitDecodesOnlyTheFirstFiles()
    {
        using var folder = new ScratchFolder();
        TestFiles.Image(folder.File("1.png"), 4, 4, SKColors.Red);
        TestFiles.Image(folder.File("2.png"), 4, 4, SKColors.Blue);
        File.WriteAllBytes(folder.File("3.png"), new byte[] { 0x89, 0x50, 0x4e, 0x47, 1, 2, 3 }); // never read with a limit of 2

        Assert.Equal(2, DatasetLoader.ReadRaw(folder.Path, limit: 2).Count);
        using var dataset = DatasetLoader.Load(folder.Path, new DatasetOptions { Limit = 2 });
        Assert.Equal(2, dataset.Count);
        Assert.Throws<DataFormatException>(() => DatasetLoader.ReadRaw(folder.Path));
    }

    [Fact]
    public void CorruptImageNamesTheFile()
    {
        using var folder = new ScratchFolder();
        TestFiles.Image(folder.File("1.png"), 4, 4, SKColors.Red);
        File.WriteAllBytes(folder.File("2.png"), new byte[] { 0x89, 0x50, 0x4e, 0x47, 1, 2, 3 });

        var error = Assert.Throws<DataFormatException>(() => DatasetLoader.ReadRaw(folder.Path));
        Assert.EndsWith("2.png", error.FilePath);
    }
}
