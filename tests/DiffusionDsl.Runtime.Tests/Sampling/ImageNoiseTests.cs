using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Tests.Support;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Sampling;

/// <summary>
/// Each image draws its noise from its own stream (ImageNoise, EDM's per-image seeds): an image is the same whatever the
/// batch size and the count. With one generator per batch, a stochastic solver's images changed with the batch size
/// (a reviewer's finding), though SampleOptions.BatchSize was documented to bound memory only.
/// </summary>
public class ImageNoiseTests
{
    private static Tensor Sample(SmallUNet model, SolverKind solver, int count, int batchSize, double eta = 0)
    {
        var options = new SampleOptions { Solver = solver, Steps = 4, Seed = 7, BatchSize = batchSize, Eta = eta };
        return new MultistageSampler(model, model.Schedule, PredictionTarget.Eps, options).Sample(count, 1, 8, 8);
    }

    [Theory]
    [InlineData(SolverKind.DdpmAncestral, 0.0)]
    [InlineData(SolverKind.Ddim, 1.0)]
    [InlineData(SolverKind.DpmSolver3, 0.0)]
    public void TheBatchSizeAndTheCountChangeNoImage(SolverKind solver, double eta)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(3);
        using var model = new SmallUNet(SmallUNet.Encoder());
        var whole = Sample(model, solver, 5, batchSize: 5, eta);
        Assert.True(whole.Equals(Sample(model, solver, 5, batchSize: 2, eta)), "batches of 2 gave other images");
        Assert.True(whole.narrow(0, 0, 3).Equals(Sample(model, solver, 3, batchSize: 3, eta)), "3 images are not the first 3 of 5");
        // ...and the images differ from each other: each stream is its own.
        Assert.False(whole[0].allclose(whole[1]));
    }

    [Fact]
    public void AnImagesStreamIsSeededByTheRunsSeedAndItsIndex()
    {
        using var scope = NewDisposeScope();
        using var all = new ImageNoise(seed: 4, first: 0, count: 3);
        using var last = new ImageNoise(seed: 4, first: 2, count: 1);
        var drawn = all.Draw(new long[] { 1, 2, 2 });
        Assert.Equal(new long[] { 3, 1, 2, 2 }, drawn.shape);
        Assert.True(drawn[2].Equals(last.Draw(new long[] { 1, 2, 2 })[0]));
        using var generator = new Generator(4 * ImageNoise.SeedStride + 1);
        Assert.True(drawn[1].Equals(randn(new long[] { 1, 2, 2 }, generator: generator)));
    }
}
