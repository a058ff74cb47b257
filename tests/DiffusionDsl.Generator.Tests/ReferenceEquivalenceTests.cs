using System;
using System.IO;
using System.Linq;
using DiffusionDsl.Generator.Tests.Models;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;
using DiffusionDsl.Tests.Shared;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Networks;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Sampling.Solvers;
using TorchSharp;
using static TorchSharp.torch;
using static DiffusionDsl.Generator.Tests.ReferenceFixture;

namespace DiffusionDsl.Generator.Tests;

/// <summary>
/// The generated networks compute what the paper's code computes. The fixtures (tests/Fixtures/Reference, written by
/// scripts/reference/make_fixtures.py from LucasYFL/Multistage_Diffusion's networks.py) hold a tiny reference
/// MultistageUNet and SongUNet with O(1) weights, fixed inputs with sigma in every stage and on either side of each
/// boundary (float32 neighbours), and the reference's raw output F, its EDM-preconditioned D(x; sigma) and EDMLoss.
/// The weights load through the safetensors path with the reference name map; the whole mixed-stage batch runs at
/// once here, while the reference ran one sample at a time.
/// </summary>
public class ReferenceEquivalenceTests
{
    private const double Tolerance = 1e-5;
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public ReferenceEquivalenceTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    /// <summary>The .msd twin of the reference network, in eval mode, with the fixture's weights imported by the reference name map.</summary>
    private static MultistageUNet WithReferenceWeights(string which)
    {
        MultistageUNet model = which switch
        {
            "multistage" => new ReferenceMultistage(),
            "multistage-ncsnpp" => new ReferenceMultistageNcsnpp(),
            _ => new ReferenceUnified(),
        };
        model.eval();
        SafetensorsWeights.Import(model, Fixture($"{which}.weights.safetensors"), WeightLayout.Reference);
        return model;
    }

    [Theory]
    [InlineData("multistage")]
    [InlineData("unified")]
    [InlineData("multistage-ncsnpp")]
    public void RawOutputDenoiserAndLossEqualTheReferencePerStage(string which)
    {
        using var scope = NewDisposeScope();
        using var model = WithReferenceWeights(which);
        using var cases = SafetensorsFile.Open(Fixture($"{which}.cases.safetensors"));
        var (x0, noise, sigma, stage) = (cases.Read("x0"), cases.Read("noise"), cases.Read("sigma"), cases.Read("stage"));

        var schedule = model.Schedule;
        var t = tensor(sigma.to(ScalarType.Float64).data<double>().ToArray().Select(schedule.TimeOfSigma).ToArray(), dtype: ScalarType.Float64);
        Assert.Equal(stage.data<long>().ToArray(), model.Stages.StageOf(t).data<long>().ToArray());

        using var noGrad = no_grad();
        var s = sigma.view(-1, 1, 1, 1);
        var xHat = x0 + s * noise;
        var raw = model.Predict(xHat / (s.square() + 0.25).sqrt(), t);
        var denoiser = new Denoiser(model, schedule, PredictionTarget.Edm);
        var denoised = denoiser.Denoise(xHat, t).Data;
        var loss = DiffusionLoss.PerSample(denoiser, x0, t, noise);

        int stages = model.Stages.Count;
        var stageOf = stage.data<long>().ToArray();
        for (int k = 0; k < stages; k++)
        {
            var index = tensor(Enumerable.Range(0, stageOf.Length).Where(i => stageOf[i] == k).Select(i => (long)i).ToArray());
            Assert.True(index.numel() >= 3, $"stage {k} has {index.numel()} cases");
            foreach (var (name, ours) in new[] { ("raw", raw), ("denoised", denoised), ("loss", loss) })
            {
                double difference = RelativeDifference(ours.index_select(0, index), cases.Read(name).index_select(0, index));
                _output.WriteLine($"{which} stage {k} ({index.numel()} cases) {name}: relative difference {difference:E2}");
                Assert.True(difference <= Tolerance, $"{which} stage {k} {name}: relative difference {difference:E2} > {Tolerance:E0}");
            }
        }
    }

    /// <summary>
    /// EDM's Heun sampler samples as the paper code's own edm_sampler (edm/generate.py, run by
    /// scripts/reference/make_sampler_fixture.py on the same reference network): the same sigma steps (EDM's rho = 7
    /// discretisation, then 0) and, from the same latents, the same samples. Eight sigma points fall in all three stages,
    /// so the decoder switches twice on the way; both integrate in float64 around a float32 network. (Measured here: 7.6e-7
    /// relative in float64, 5.4e-7 in float32: at this size the network's float32 arithmetic, not the state, sets it.)
    /// </summary>
    [Fact]
    public void EdmsHeunSamplerSamplesAsTheReferencesEdmSampler()
    {
        using var scope = NewDisposeScope();
        using var model = WithReferenceWeights("multistage");
        using var fixture = SafetensorsFile.Open(Fixture("multistage.heun.safetensors"));
        var (latents, sigmas, expected) = (fixture.Read("latents"), fixture.Read("sigmas"), fixture.Read("samples"));

        var solver = new EdmHeunSolver(model.Schedule);
        solver.SetTimesteps((int)sigmas.shape[0]);
        var grid = solver.Grid.Select(p => p.Sigma).ToArray();
        Assert.Equal(sigmas.shape[0] + 1, grid.Length);
        Assert.Equal(0, grid[^1]);
        foreach (var (ours, reference) in grid.Zip(sigmas.data<float>().ToArray()))
            Assert.True(Math.Abs(ours - reference) <= 1e-6 * reference, $"sigma {ours} vs the reference's {reference}");
        Assert.Equal(new long[] { 0, 1, 2 }, model.Stages.StageOf(tensor(solver.Grid.SkipLast(1).Select(p => p.T).ToArray())).data<long>().ToArray().Distinct().Order());

        using var noGrad = no_grad();
        // In the solver's float64 state, as the reference's latents.to(torch.float64); then, for contrast, in float32.
        Assert.Equal(ScalarType.Float64, solver.StateType);
        var samples = solver.Run(latents.to(solver.StateType) * solver.Grid[0].NoiseStd, new Denoiser(model, model.Schedule, PredictionTarget.Edm), null);
        double difference = RelativeDifference(samples.to(ScalarType.Float32), expected);
        double float32Difference = RelativeDifference(solver.Run(latents * solver.Grid[0].NoiseStd, new Denoiser(model, model.Schedule, PredictionTarget.Edm), null), expected);
        _output.WriteLine($"Heun, {sigmas.shape[0]} sigma points: relative difference {difference:E2} in float64, {float32Difference:E2} in float32 " +
                          $"(max |sample| {expected.abs().max().item<float>():F3})");
        Assert.True(difference <= 1e-5, $"relative difference {difference:E2}");

        // The comparison tells solvers apart: a first-order Euler run on the same sigma steps misses by far more.
        var euler = new EulerSolver(model.Schedule);
        euler.SetTimesteps((int)sigmas.shape[0]);
        double eulerDifference = RelativeDifference(euler.Run(latents * euler.Grid[0].NoiseStd, new Denoiser(model, model.Schedule, PredictionTarget.Edm), null), expected);
        _output.WriteLine($"Euler on the same steps: relative difference {eulerDifference:E2}");
        Assert.True(eulerDifference > 1000 * 1e-5, $"Euler: relative difference {eulerDifference:E2}");
    }

    /// <summary>
    /// With churn, EDM's Algorithm 2 (S_churn 2, S_min 0.05, S_max 50, S_noise 1.003) samples as the paper code's edm_sampler
    /// with those settings (scripts/reference/make_sampler_fixture.py): from the same latents, its step noise drawn from
    /// each image's own stream as ImageNoise draws it (the fixture's randn_like does), sigma raised by 1.25 at the five
    /// points in [0.05, 50], not at 80 nor at 0.035 and 0.002, and a draw made at every step, churned or not, as EDM's is.
    /// </summary>
    [Fact]
    public void EdmsStochasticHeunSamplerSamplesAsTheReferencesEdmSamplerWithChurn()
    {
        using var scope = NewDisposeScope();
        using var model = WithReferenceWeights("multistage");
        using var fixture = SafetensorsFile.Open(Fixture("multistage.heun-churn.safetensors"));
        var (latents, expected) = (fixture.Read("latents"), fixture.Read("samples"));
        var denoiser = new Denoiser(model, model.Schedule, PredictionTarget.Edm);
        Tensor Run(HeunChurn churn)
        {
            var solver = new EdmHeunSolver(model.Schedule, churn);
            solver.SetTimesteps(8);
            using var streams = new ImageNoise(seed: 7, first: 0, count: (int)latents.shape[0]);
            return solver.Run(latents.to(solver.StateType) * solver.Grid[0].NoiseStd, denoiser, streams).to(ScalarType.Float32);
        }

        using var noGrad = no_grad();
        double difference = RelativeDifference(Run(new HeunChurn(2.0, MinSigma: 0.05, MaxSigma: 50, NoiseScale: 1.003)), expected);
        // Against the same sampler without churn, and with churn at every point (S_max unbounded): both far off.
        double deterministic = RelativeDifference(Run(HeunChurn.None), expected);
        double everyPoint = RelativeDifference(Run(new HeunChurn(2.0, MinSigma: 0.05, NoiseScale: 1.003)), expected);
        _output.WriteLine($"stochastic Heun: relative difference {difference:E2}; without churn {deterministic:E2}; churning at sigma 80 too {everyPoint:E2}");
        Assert.True(difference <= 1e-5, $"relative difference {difference:E2}");
        Assert.True(deterministic > 1000 * 1e-5, $"without churn: relative difference {deterministic:E2}");
        Assert.True(everyPoint > 1000 * 1e-5, $"churning at sigma 80 too: relative difference {everyPoint:E2}");
    }

    [Fact]
    public void TheFixturesExerciseEveryDecoderAndTheBoundaries()
    {
        using var cases = SafetensorsFile.Open(Fixture("multistage.cases.safetensors"));
        var stages = cases.Read("stage").data<long>().ToArray();
        Assert.Equal(new long[] { 0, 1, 2 }, stages.Distinct().OrderBy(s => s).ToArray());
        // The reference routes by (lo, hi] in sigma in float32; on these float32 inputs it picks the decoder our
        // [start, end) in t picks.
        Assert.Equal(stages, cases.Read("reference_stage").data<long>().ToArray());
        var sigmas = cases.Read("sigma").data<float>().ToArray();
        Assert.Contains(sigmas, v => v == (float)2.5103);
        Assert.Contains(sigmas, v => v == MathF.BitIncrement((float)7.6577));
    }

    [Fact]
    public void ATenthOfAPercentInOneLayerFailsTheComparison()
    {
        using var scope = NewDisposeScope();
        using var model = WithReferenceWeights("multistage");
        using var cases = SafetensorsFile.Open(Fixture("multistage.cases.safetensors"));
        // The tolerance is tight enough to see a 0.1% change in one layer of the near-data decoder.
        var state = model.state_dict();
        using var noGrad = no_grad();
        var x0 = cases.Read("x0").narrow(0, 0, 3);
        var s = cases.Read("sigma").narrow(0, 0, 3).view(-1, 1, 1, 1);
        var t = tensor(cases.Read("sigma").narrow(0, 0, 3).to(ScalarType.Float64).data<double>().ToArray().Select(model.Schedule.TimeOfSigma).ToArray(), dtype: ScalarType.Float64);
        var xHat = x0 + s * cases.Read("noise").narrow(0, 0, 3);
        var key = state.Keys.First(k => k.StartsWith("near_data.") && k.EndsWith("aux_conv.weight"));
        state[key].mul_(1.001);
        var raw = model.Predict(xHat / (s.square() + 0.25).sqrt(), t);
        Assert.True(RelativeDifference(raw, cases.Read("raw").narrow(0, 0, 3)) > Tolerance);
    }

    /// <summary>
    /// An NCSN++ model written in the reference layout with its filters is the reference's own state_dict: the same
    /// names (as sets: the fixture file stores them sorted), NCSN++'s [1, 3, 3, 1] resample_filter buffers after each up/down conv and pyramid conv,
    /// and the same values (the fixture keeps those buffers; the import above checked them against the family).
    /// </summary>
    [Fact]
    public void AnNcsnppModelExportsTheReferencesStateDictFiltersIncluded()
    {
        using var scope = NewDisposeScope();
        using var model = WithReferenceWeights("multistage-ncsnpp");
        var names = AssertExportIsTheStateDict(model, "multistage-ncsnpp.weights.safetensors", resampleFilters: true);
        Assert.Contains("enc.4x4_aux_residual.resample_filter", names);
    }
}
