using System.Linq;
using DiffusionDsl.Runtime.Tests.Support;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Networks;

public sealed class StateDictNamesTests
{
    [Fact]
    public void EveryTensorAppearsOnceUnderACleanPrefix()
    {
        using var model = new SmallUNet();
        var keys = model.state_dict().Keys.ToList();
        int tensors = model.parameters().Count() + model.buffers().Count();

        Assert.Equal(tensors, keys.Count);
        Assert.All(keys, key => Assert.Matches(@"^(encoder|near_data|middle|near_noise)\.[a-z_0-9x.]+$", key));
        Assert.DoesNotContain(keys, key => key.Contains("BackingField") || key.Contains("_encoder"));
    }

    [Fact]
    public void KeysFollowSongUNetLayerNames()
    {
        using var model = new SmallUNet();
        var keys = model.state_dict().Keys.ToHashSet();
        string[] expected =
        {
            "encoder.map_layer0.weight", "encoder.map_layer1.bias", "encoder.enc.8x8_conv.weight", "encoder.enc.8x8_block0.conv0.weight",
            "encoder.enc.4x4_down.skip.weight", "encoder.enc.4x4_block0.qkv.weight", "encoder.enc.4x4_block0.norm2.weight",
            "near_data.dec.4x4_in0.proj.weight", "near_data.dec.4x4_in1.conv1.bias", "near_data.dec.4x4_block1.qkv.weight",
            "middle.dec.8x8_up.conv0.weight", "middle.dec.8x8_block1.skip.weight", "near_noise.dec.8x8_aux_norm.weight",
            "near_noise.dec.8x8_aux_conv.bias",
        };
        Assert.All(expected, key => Assert.Contains(key, keys));
        Assert.DoesNotContain("near_data.dec.4x4_block0.qkv.weight", keys); // only a level's last block attends
    }
}
