using System.Linq;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Training;

public class StageRoutingTests
{
    private static readonly VpSchedule Vp = new();

    private static (Tensor mixed, Tensor single) PerSampleLosses(TinyMultistageModel model)
    {
        using var noGrad = no_grad();
        var g = new Generator(5);
        var x0 = TinyData.Images(6, seed: 2);
        var t = tensor(new[] { 0.05f, 0.5f, 0.9f, 0.3f, 0.62f, 0.7f });  // stages 0, 1, 2, 0, 1, 2
        var eps = randn(x0.shape, generator: g);
        var denoiser = new Denoiser(model, Vp, PredictionTarget.Eps);
        var mixed = DiffusionLoss.PerSample(denoiser, x0, t, eps);
        var single = cat(new[] { 0, 1, 2, 3, 4, 5 }.Select(i =>
            DiffusionLoss.PerSample(denoiser, x0.narrow(0, i, 1), t.narrow(0, i, 1), eps.narrow(0, i, 1))).ToArray(), 0);
        return (mixed, single);
    }

    [Fact]
    public void MixedStageBatchGivesTheSamePerSampleLossesAsSingleSampleBatches()
    {
        var (mixed, single) = PerSampleLosses(new TinyMultistageModel(Vp, TinyMultistageModel.ThreeStages()));
        Assert.True(mixed.allclose(single, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void RoutingTheWholeBatchBySampleZeroIsCaught()
    {
        // The reference code's fault: this is what the test above exists to catch.
        var (mixed, single) = PerSampleLosses(new TinyMultistageModel(Vp, TinyMultistageModel.ThreeStages()) { RouteByFirstSample = true });
        Assert.False(mixed.allclose(single, rtol: 1e-5, atol: 1e-6));
    }

    /// <summary>Decoders that answer in different dtypes (as autocast may leave them) are gathered in the wider one.</summary>
    [Fact]
    public void StagesAnsweringInDifferentDtypesGiveTheWiderOne()
    {
        var stage = tensor(new long[] { 1, 0, 1, 0 });
        var values = tensor(new[] { 1.5f, 2.25f, 3.125f, 4.0625f }).view(4, 1);
        var routed = Staging.StageRouting.Route(stage, 2, (k, indices) =>
        {
            var part = values.index_select(0, indices!);
            return k == 0 ? part.to(ScalarType.BFloat16) : part;
        });
        Assert.Equal(ScalarType.Float32, routed.dtype);
        Assert.Equal(new[] { 1.5f, 2.25f, 3.125f, 4.0625f }, routed.view(-1).data<float>().ToArray());
    }
}
