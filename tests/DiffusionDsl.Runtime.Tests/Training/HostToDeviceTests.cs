using DiffusionDsl.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Training;

/// <summary>
/// The hot path's host-to-device copies: to a CUDA device through page-locked memory without waiting (not testable on
/// this machine: no GPU); to the CPU the tensor as it is, values and dtype kept.
/// </summary>
public class HostToDeviceTests
{
    [Fact]
    public void ToTheCpuTheValuesArriveAsTheyAre()
    {
        using var scope = NewDisposeScope();
        var host = randn(new long[] { 3, 2, 4, 4 }, dtype: ScalarType.Float64, generator: new TorchSharp.torch.Generator(5));
        var copy = HostToDevice.Copy(host, CPU);
        Assert.Equal(DeviceType.CPU, copy.device_type);
        Assert.Equal(ScalarType.Float64, copy.dtype);
        Assert.True(copy.eq(host).all().item<bool>());
    }
}
