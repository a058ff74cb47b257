using System;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;

namespace DiffusionDsl.Runtime.Tests.Checkpoints;

public sealed class ReferenceNamesTests
{
    private static readonly ReferenceNames Multistage = new(new[] { "near_data", "middle", "near_noise" });

    [Theory]
    [InlineData("encoder.map_layer0.weight", "map_layer0.weight")]
    [InlineData("encoder.map_noise.freqs", "map_noise.freqs")]
    [InlineData("encoder.map_augment.weight", "map_augment.weight")]
    [InlineData("encoder.map_label.weight", "map_label.weight")] // structural: whether the model has it is the importer's question
    [InlineData("encoder.enc.32x32_conv.bias", "enc.32x32_conv.bias")]
    [InlineData("encoder.enc.16x16_down.skip.weight", "enc.16x16_down.skip.weight")]
    [InlineData("encoder.enc.16x16_block3.qkv.weight", "enc.16x16_block3.qkv.weight")]
    [InlineData("near_data.dec.4x4_in0.norm2.weight", "decs.0.4x4_in0.norm2.weight")]
    [InlineData("middle.dec.8x8_up.conv0.weight", "decs.1.8x8_up.conv0.weight")]
    [InlineData("near_noise.dec.32x32_aux_conv.bias", "decs.2.32x32_aux_conv.bias")]
    public void MultistageNamesMapBothWays(string native, string reference)
    {
        Assert.Equal(reference, Multistage.ToReference(native));
        Assert.Equal(native, Multistage.ToNative(reference));
    }

    [Fact]
    public void AOneStageModelUsesSongUNetsDecoderAndReadsDecsZeroToo()
    {
        var unified = new ReferenceNames(new[] { "all" });
        Assert.Equal("dec.32x32_block4.proj.bias", unified.ToReference("all.dec.32x32_block4.proj.bias"));
        Assert.Equal("all.dec.32x32_block4.proj.bias", unified.ToNative("dec.32x32_block4.proj.bias"));
        Assert.Equal("all.dec.32x32_block4.proj.bias", unified.ToNative("decs.0.32x32_block4.proj.bias"));
        Assert.Equal("enc.32x32_conv.weight", unified.ToReference("encoder.enc.32x32_conv.weight"));
    }

    [Fact]
    public void EdmPrecondsPrefixGoesOnEveryReferenceKey()
    {
        var names = new ReferenceNames(new[] { "a", "b" }, prefix: "model.");
        Assert.Equal("model.map_layer1.bias", names.ToReference("encoder.map_layer1.bias"));
        Assert.Equal("model.decs.1.8x8_block0.conv1.weight", names.ToReference("b.dec.8x8_block0.conv1.weight"));
        Assert.Equal("b.dec.8x8_block0.conv1.weight", names.ToNative("model.decs.1.8x8_block0.conv1.weight"));
        Assert.Null(names.ToNative("decs.1.8x8_block0.conv1.weight"));
    }

    [Theory]
    [InlineData("decs.3.8x8_block0.conv0.weight")] // a fourth stage
    [InlineData("decs.x.8x8_block0.conv0.weight")]
    [InlineData("dec.8x8_block0.conv0.weight")]  // a unified decoder in a multistage model
    [InlineData("sigma_data")]
    public void NamesWithoutACounterpartMapToNull(string reference) => Assert.Null(Multistage.ToNative(reference));

    [Theory]
    [InlineData("other.dec.8x8_block0.conv0.weight")]
    [InlineData("near_data.blocks.0.weight")]
    [InlineData("decoder.weight")]
    public void NativeNamesOutsideTheLayoutAreRefused(string native)
    {
        var error = Assert.Throws<ArgumentException>(() => Multistage.ToReference(native));
        Assert.Contains(native, error.Message);
    }
}
