using System;

namespace DiffusionDsl.Runtime.Tests;

/// <summary>Device names: spelling checked without the native libraries, availability with them.</summary>
public class TorchSetupTests
{
    [Theory]
    [InlineData("cpu")]
    [InlineData("cuda")]
    [InlineData("cuda:0")]
    [InlineData("cuda:12")]
    public void WellFormedNamesPassTheSpellingCheck(string device) => TorchSetup.CheckDeviceName(device);

    [Theory]
    [InlineData("gpu")]
    [InlineData("CPU")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    [InlineData("cuda0")]
    [InlineData("cuda:1 ")]
    public void OtherNamesAreRefusedByName(string device)
    {
        var error = Assert.Throws<ArgumentException>(() => TorchSetup.CheckDeviceName(device));
        Assert.Equal($"{device}: expected cpu, cuda or cuda:N.", error.Message);
    }

    /// <summary>A well-spelt CUDA device is served where CUDA is, and refused as unavailable (TorchSharp's CPU backend) where not.</summary>
    [Fact]
    public void CudaIsServedOrRefusedAsUnavailable()
    {
        if (TorchSharp.torch.cuda.is_available())
            Assert.Equal(TorchSharp.DeviceType.CUDA, TorchSetup.DefaultDevice("cuda:0").type);
        else
            Assert.StartsWith("cuda:0: CUDA is not available", Assert.Throws<ArgumentException>(() => TorchSetup.DefaultDevice("cuda:0")).Message);
        Assert.Equal(TorchSharp.DeviceType.CPU, TorchSetup.DefaultDevice("cpu").type);
    }
}
