using DiffusionDsl.Runtime.Clustering;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Data.Tests.Clustering;

public class ExcessLossTests
{
    [Fact]
    public void OptimalPredictorHasNoExcessAndAnOffsetCostsItsSquare()
    {
        var schedule = new TestSchedules.Vp();
        using var data = rand(new long[] { 40, 1, 3, 3 }, generator: new Generator(9)).mul_(2).sub_(1);
        using var denoiser = new OptimalDenoiser(data);
        var boundaries = new[] { 0.4, 0.7 };

        var exact = ExcessLoss.Measure(denoiser, schedule, data, (x, t) => denoiser.Predict(x, t, schedule), boundaries, samples: 96, batchSize: 32);
        var offset = ExcessLoss.Measure(denoiser, schedule, data, (x, t) => denoiser.Predict(x, t, schedule).add(0.1), boundaries, samples: 96, batchSize: 32);

        Assert.True(exact.Excess < 1e-8);
        Assert.Equal(exact.Model, exact.Optimal, 1e-6);
        Assert.Equal(0.01, offset.Excess, 1e-5);
        Assert.Equal(96, exact.SamplesPerStage[0] + exact.SamplesPerStage[1] + exact.SamplesPerStage[2]);
        Assert.All(offset.ExcessPerStage, e => Assert.Equal(0.01, e, 1e-5));
    }
}
