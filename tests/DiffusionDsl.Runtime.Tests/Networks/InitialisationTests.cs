using System;
using System.Linq;
using DiffusionDsl.Runtime.Blocks;
using DiffusionDsl.Runtime.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Networks;

/// <summary>Every layer is initialised as SongUNet's (EDM networks.py) init / init_zero / init_attn say.</summary>
public sealed class InitialisationTests
{
    /// <summary>The declared init_weight of each Conv2d/Linear weight, by its SongUNet name.</summary>
    private static double DeclaredScale(string name) =>
        name.EndsWith(".conv1.weight") || name.EndsWith(".proj.weight") || name.EndsWith("_aux_conv.weight") ? 1e-5
        : name.EndsWith(".qkv.weight") ? Math.Sqrt(0.2)
        : 1.0;

    [Fact]
    public void WeightsAreXavierUniformTimesTheirScale()
    {
        random.manual_seed(3);
        using var model = new SmallUNet();
        var weights = model.named_parameters().Where(p => p.name.EndsWith(".weight") && p.parameter.dim() >= 2).ToList();
        Assert.True(weights.Count > 50, $"only {weights.Count} weights");
        foreach (var (name, weight) in weights)
        {
            double limit = Initialisation.XavierBound(weight.shape) * DeclaredScale(name);
            double max = weight.abs().max().item<float>();
            Assert.True(max <= limit * (1 + 1e-6), $"{name}: max |w| {max} beyond the bound {limit}");
            if (weight.numel() < 400) continue;
            // U(-b, b) has standard deviation b / sqrt(3); with >= 400 draws the sample's is within 10%.
            double std = weight.std().item<float>();
            Assert.InRange(std / (limit / Math.Sqrt(3)), 0.9, 1.1);
        }
    }

    [Fact]
    public void BiasesStartAtZeroAndNormsAtIdentity()
    {
        using var model = new SmallUNet();
        foreach (var (name, p) in model.named_parameters())
        {
            bool norm = name.Contains("norm");
            if (name.EndsWith(".bias")) Assert.True(p.abs().max().item<float>() == 0, $"{name} is not zero");
            if (norm && name.EndsWith(".weight")) Assert.True((p - 1).abs().max().item<float>() == 0, $"{name} is not one");
        }
    }

    [Fact]
    public void TheXavierBoundCountsTheKernelArea()
    {
        Assert.Equal(Math.Sqrt(6.0 / (16 * 9 + 32 * 9)), Initialisation.XavierBound(new long[] { 32, 16, 3, 3 }), 12);
        Assert.Equal(Math.Sqrt(6.0 / (128 + 512)), Initialisation.XavierBound(new long[] { 512, 128 }), 12);
    }
}
