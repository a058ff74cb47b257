using System.Linq;
using DiffusionDsl.Runtime.Blocks;
using DiffusionDsl.Runtime.Tests.Support;
using TorchSharp.Modules;

namespace DiffusionDsl.Runtime.Tests.Networks;

public sealed class GroupNormRuleTests
{
    [Theory]
    [InlineData(0, 32, 256, 32)]   // NVlabs/edm: min(32, C / 4)
    [InlineData(0, 16, 256, 16)]   // the paper's networks.py: min(16, C / 4)
    [InlineData(0, 16, 48, 12)]
    [InlineData(0, 32, 8, 2)]
    [InlineData(0, 32, 2, 1)]
    [InlineData(8, 32, 256, 8)]    // a fixed count
    public void GroupsFollowTheRule(int fixedGroups, int maxGroups, int channels, int expected) =>
        Assert.Equal(expected, new GroupNormRule(fixedGroups, maxGroups).GroupsFor(channels));

    [Fact]
    public void EveryNormOfTheNetworkUsesTheEncodersRule()
    {
        using var paper = new SmallUNet(SmallUNet.Encoder(maxGroups: 4));
        var norms = paper.modules().OfType<GroupNorm>().ToList();
        Assert.NotEmpty(norms);
        Assert.All(norms, n => Assert.Equal(System.Math.Min(4, n.weight.shape[0] / 4), n.num_groups));
        Assert.Contains(norms, n => n.num_groups == 4 && n.weight.shape[0] >= 32);

        using var edm = new SmallUNet();
        Assert.Contains(edm.modules().OfType<GroupNorm>(), n => n.num_groups == 8);
    }
}
