using TorchSharp;

namespace DiffusionDsl.Runtime.Tests;

public class TorchLoadsTests
{
    [Fact]
    public void NativeLibraryLoadsAndComputes()
    {
        using var a = torch.ones(2, 3);
        Assert.Equal(6.0f, a.sum().item<float>());
    }
}
