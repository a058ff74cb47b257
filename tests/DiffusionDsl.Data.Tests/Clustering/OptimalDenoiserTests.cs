using System;
using System.Linq;
using DiffusionDsl.Runtime.Clustering;
using DiffusionDsl.Runtime.Diffusion;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Data.Tests.Clustering;

public class OptimalDenoiserTests
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output;
    public OptimalDenoiserTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    /// <summary>
    /// The exact posterior mean E[x0 | x_t] over a training set, as the paper code's boundary search computes it
    /// (interval_split.py's get_optimal_sol with its VPSDE, run by scripts/reference/make_clustering_fixture.py on 64
    /// images 1x4x4 in [0, 1] in 3 batches): from the point mass on x0 at t = 0.001 to the data's weighted mean at t = 1.
    /// The reference computes s_t and sigma_t in float32, so the two agree to its rounding.
    /// </summary>
    [Fact]
    public void ThePosteriorMeanIsTheReferencesOptimalSolution()
    {
        using var fixture = DiffusionDsl.Runtime.Checkpoints.Safetensors.SafetensorsFile.Open(
            System.IO.Path.Combine(AppContext.BaseDirectory, "Reference", "optimal_denoiser.safetensors"));
        using var scope = NewDisposeScope();
        var (data, x0, z, times, expected) = (fixture.Read("data"), fixture.Read("x0"), fixture.Read("z"), fixture.Read("times"), fixture.Read("posterior_means"));
        var schedule = new DiffusionDsl.Runtime.Schedules.VpSchedule(betaMin: 0.1, betaMax: 20.0);
        using var denoiser = new OptimalDenoiser(data);
        int count = (int)times.shape[0];
        var t = times.to_type(ScalarType.Float64);
        var x = cat(Enumerable.Range(0, count).Select(i =>
        {
            double ti = times[i].item<double>(), s = schedule.Scale(ti);
            return (x0.to_type(ScalarType.Float64) * s + z.to_type(ScalarType.Float64) * (s * schedule.Sigma(ti)));
        }).ToArray(), 0);
        var ours = denoiser.Predict(x, t, schedule, PredictionTarget.X0, ScalarType.Float64);
        var difference = (ours - expected.reshape(ours.shape)).abs().max().item<double>();
        _output.WriteLine($"largest difference from the reference's E[x0 | x_t] at {count} times: {difference:E2}");
        Assert.True(difference <= 1e-5, $"{difference:E2}");
        // The fixture spans the posterior: a point mass on x0 at the smallest time, far from it at t = 1.
        Assert.True((expected[0] - x0).abs().max().item<double>() < 1e-6);
        Assert.True((expected[count - 1] - x0).abs().max().item<double>() > 0.1);
    }

    private static readonly TestSchedules.Linear Schedule = new();

    [Fact]
    public void OneImageHasTheClosedForm()
    {
        // With one training image y the posterior is a point mass: eps*(x, t) = (x / s_t - y) / sigma_t.
        using var generator = new Generator(1);
        using var y = rand(new long[] { 1, 2, 3, 3 }, generator: generator).mul_(2).sub_(1);
        using var denoiser = new OptimalDenoiser(y);
        using var x = randn(new long[] { 5, 2, 3, 3 }, generator: generator);
        using var t = tensor(new[] { 0.05f, 0.2f, 0.5f, 0.8f, 1f });

        using var eps = denoiser.Predict(x, t, Schedule);

        for (int i = 0; i < 5; i++)
        {
            double ti = t[i].item<float>();
            using var expected = x[i].div(Schedule.Scale(ti)).sub(y[0]).div(Schedule.Sigma(ti));
            Assert.True(eps[i].allclose(expected, rtol: 1e-4, atol: 1e-4));
        }
    }

    [Fact]
    public void TwoImagesFollowTheLogisticPosterior()
    {
        using var images = tensor(new float[] { 0.5f, -0.25f, 1f, -0.5f, 0.25f, -1f }, new long[] { 2, 3 });
        using var denoiser = new OptimalDenoiser(images);
        double sigma = 0.8;
        using var sigmaQ = tensor(new[] { (float)sigma, (float)sigma });
        // The midpoint is equidistant from both: the posterior mean is their average (the symmetric case).
        using var midpoint = images.mean(new long[] { 0 }, keepdim: true);
        using var offCentre = tensor(new float[] { 0.3f, -0.1f, 0.2f }).unsqueeze(0);
        using var queries = cat(new[] { midpoint, offCentre }, 0);

        using var mean = denoiser.PosteriorMean(queries, sigmaQ);

        Assert.True(mean[0].allclose(midpoint[0], atol: 1e-6));
        using var y0 = images[0].to_type(ScalarType.Float64);
        using var y1 = images[1].to_type(ScalarType.Float64);
        using var z = offCentre[0].to_type(ScalarType.Float64);
        double logitDifference = (z.sub(y1).square().sum().item<double>() - z.sub(y0).square().sum().item<double>()) / (2 * sigma * sigma);
        double w0 = 1 / (1 + Math.Exp(-logitDifference));
        using var expected = y0.mul(w0).add(y1.mul(1 - w0)).to_type(ScalarType.Float32);
        Assert.True(mean[1].allclose(expected, atol: 1e-6));
    }

    [Theory]
    [InlineData(0.02)]
    [InlineData(0.3)]
    [InlineData(1.0)]
    public void Float32AgreesWithFloat64AndChunkingChangesNothing(double t)
    {
        using var generator = new Generator(2);
        using var data = rand(new long[] { 300, 48 }, generator: generator).mul_(2).sub_(1);
        using var chunked = new OptimalDenoiser(data, chunkSize: 64);
        using var whole = new OptimalDenoiser(data, chunkSize: 1000);
        using var z = data.narrow(0, 0, 6).add(randn(new long[] { 6, 48 }, generator: generator).mul(Schedule.Sigma(t)));
        using var sigma = full(6, Schedule.Sigma(t));

        using var single = chunked.PosteriorMean(z, sigma);
        using var reference = chunked.PosteriorMean(z, sigma, ScalarType.Float64);
        using var unchunked = whole.PosteriorMean(z, sigma);

        Assert.True(single.to_type(ScalarType.Float64).allclose(reference, atol: 1e-5));
        Assert.True(single.allclose(unchunked, atol: 1e-6));
    }

    [Fact]
    public void TargetsAreConsistentWithThePosteriorMean()
    {
        using var generator = new Generator(3);
        using var data = rand(new long[] { 20, 12 }, generator: generator);
        using var denoiser = new OptimalDenoiser(data);
        using var x = randn(new long[] { 4, 12 }, generator: generator);
        using var t = tensor(new[] { 0.1f, 0.3f, 0.6f, 0.9f });
        var s = new float[4]; var sig = new float[4];
        for (int i = 0; i < 4; i++) { s[i] = (float)Schedule.Scale(t[i].item<float>()); sig[i] = (float)Schedule.Sigma(t[i].item<float>()); }
        using var scale = tensor(s).unsqueeze(1);
        using var sigma = tensor(sig).unsqueeze(1);
        using var z = x.div(scale);

        using var x0 = denoiser.Predict(x, t, Schedule, PredictionTarget.X0);
        using var eps = denoiser.Predict(x, t, Schedule, PredictionTarget.Eps);
        using var v = denoiser.Predict(x, t, Schedule, PredictionTarget.V);
        using var f = denoiser.Predict(x, t, Schedule, PredictionTarget.Edm);

        Assert.True(x0.add(eps.mul(sigma)).allclose(z, atol: 1e-5));
        using var norm = sigma.square().add(1).sqrt();
        Assert.True(v.mul(norm).allclose(eps.sub(x0.mul(sigma)), atol: 1e-5));
        double d2 = OptimalTargets.EdmSigmaData * OptimalTargets.EdmSigmaData;
        using var variance = sigma.square().add(d2);
        using var edmDenoised = z.mul(variance.reciprocal().mul(d2)).add(f.mul(sigma.mul(OptimalTargets.EdmSigmaData).div(variance.sqrt())));
        Assert.True(edmDenoised.allclose(x0, atol: 1e-5));
    }
}
