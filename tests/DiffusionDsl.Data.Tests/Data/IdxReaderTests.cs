using System.IO;
using DiffusionDsl.Runtime.Data;
using DiffusionDsl.Tests.Shared;

namespace DiffusionDsl.Data.Tests.Data;

public class IdxReaderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsRawAndGzippedImages(bool gzip)
    {
        using var folder = new ScratchFolder();
        var bytes = TestFiles.Idx(3, 4, 5, i => (byte)i);
        var path = folder.File(gzip ? "train-images-idx3-ubyte.gz" : "train-images-idx3-ubyte");
        File.WriteAllBytes(path, gzip ? TestFiles.Gzip(bytes) : bytes);

        var images = IdxReader.ReadImages(path);

        Assert.Equal((3, 1, 4, 5), (images.Count, images.Channels, images.Height, images.Width));
        Assert.Equal(59, images.Pixels[59]);
    }

    [Fact]
    public void ReadsLabels()
    {
        using var folder = new ScratchFolder();
        var path = folder.File("labels");
        File.WriteAllBytes(path, new byte[] { 0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 9 });
        Assert.Equal(new byte[] { 7, 2, 9 }, IdxReader.ReadLabels(path));
    }

    [Fact]
    public void WrongMagicNamesTheFile()
    {
        using var folder = new ScratchFolder();
        var bytes = TestFiles.Idx(2, 2, 2, _ => 0);
        bytes[2] = 0x0d;
        var path = folder.File("bad-magic-idx3-ubyte");
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message);
        Assert.Contains("magic", error.Message);
    }

    [Fact]
    public void TruncatedFileNamesTheFile()
    {
        using var folder = new ScratchFolder();
        var bytes = TestFiles.Idx(2, 3, 3, _ => 1);
        var path = folder.File("short-idx3-ubyte.gz");
        File.WriteAllBytes(path, TestFiles.Gzip(bytes[..^4]));

        var error = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void TruncatedGzipStreamNamesTheFile()
    {
        using var folder = new ScratchFolder();
        var zipped = TestFiles.Gzip(TestFiles.Idx(20, 8, 8, i => (byte)(i * 37)));
        var path = folder.File("cut.gz");
        File.WriteAllBytes(path, zipped[..(zipped.Length / 2)]);

        var error = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void AFileWithNoEndFailsOnItsHeader()
    {
        // /dev/zero was read whole before its header was looked at, until memory ran out.
        var error = Assert.Throws<DataFormatException>(() => DatasetLoader.ReadRaw("/dev/zero"));
        Assert.Equal("/dev/zero: wrong magic number 0x00000000; an IDX file of unsigned bytes with 3 dimension(s) starts with 0x00000803.", error.Message);
    }

    [Fact]
    public void AHeaderPromisingMoreThanOneFileMayHoldIsRefusedBeforeReading()
    {
        using var folder = new ScratchFolder();
        var path = folder.File("huge-idx3-ubyte");
        File.WriteAllBytes(path, new byte[] { 0, 0, 8, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 2, 3 });

        var error = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        Assert.Contains("the header promises more than", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AShortFilePromisingAGigabyteIsTruncatedWithoutAllocatingIt(bool gzip)
    {
        // 1000 x 1000 x 1000 bytes promised, 3 there: the plain file's length says so before any allocation, and the
        // gzip stream is read in chunks of what is there.
        using var folder = new ScratchFolder();
        var path = folder.File("promising-idx3-ubyte");
        byte[] bytes = { 0, 0, 8, 3, 0, 0, 3, 0xe8, 0, 0, 3, 0xe8, 0, 0, 3, 0xe8, 1, 2, 3 };
        File.WriteAllBytes(path, gzip ? TestFiles.Gzip(bytes) : bytes);

        long before = System.GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        Assert.Equal($"{path}: truncated: the header promises 1000000000 bytes of data, the file holds 3.", error.Message);
        Assert.True(System.GC.GetAllocatedBytesForCurrentThread() - before < 64 << 20);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BytesAfterTheDataAreRefused(bool gzip)
    {
        using var folder = new ScratchFolder();
        var path = folder.File("long-idx3-ubyte");
        var bytes = TestFiles.Idx(2, 2, 2, _ => 5);
        File.WriteAllBytes(path, gzip ? TestFiles.Gzip([.. bytes, 9]) : [.. bytes, 9]);

        var error = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        Assert.Equal($"{path}: unexpected bytes after the 8 bytes of data.", error.Message);
    }
}
