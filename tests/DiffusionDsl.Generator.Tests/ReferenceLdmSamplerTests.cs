using System;
using System.Linq;
using DiffusionDsl.Generator.Tests.Models;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Sampling.Solvers;
using DiffusionDsl.Runtime.Staging;
using TorchSharp;
using static TorchSharp.torch;
using static DiffusionDsl.Generator.Tests.ReferenceFixture;

namespace DiffusionDsl.Generator.Tests;

/// <summary>
/// The paper's LDM sampling: latent diffusion's own DPMSolverSampler (DPM-Solver++ multistep of order 2, time_uniform
/// steps from t = 1 to 1 / N on NoiseScheduleVP('discrete')), run by scripts/reference/make_ldm_sampler_fixture.py on the
/// tiny UNetModel_multistage with the ADM fixture's weights from fixed noise, against `solver dpm_solver_pp2m` with
/// `spacing time` as ReferenceAdmMultistage.msd's sample section writes it. DPM-Solver's discrete time (n + 1) / N is
/// t = n / (N - 1) here, an affine map, so its uniform steps from 1 to 1 / N are uniform steps from 1 to 0 here, and its
/// model sees the same fractional DDPM steps.
/// </summary>
public class ReferenceLdmSamplerTests
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output;
    public ReferenceLdmSamplerTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData(20)] // the paper's -c 20
    [InlineData(8)]  // below 10 steps the last step is first order in both (the reference lowers it below 15)
    public void TimeSpacedDpmSolverPlusPlusSamplesAsTheReferencesLdmSampler(int steps)
    {
        using var scope = NewDisposeScope();
        using var fixture = SafetensorsFile.Open(Fixture("ldm-multistage.dpm_solver.safetensors"));
        var (noise, expected) = (fixture.Read("noise"), fixture.Read($"samples_{steps}"));
        var referenceTimes = fixture.Read($"model_times_{steps}").to(ScalarType.Float64).data<double>().ToArray();
        using var model = new ReferenceAdmMultistage();
        SafetensorsWeights.Import(model, Fixture("adm-multistage.weights.safetensors"), WeightLayout.Reference);
        model.eval();

        var defaults = ReferenceAdmMultistageSampler.Defaults;
        Assert.Equal((SolverKind.DpmSolverPlusPlus2M, 20, TimeSpacing.Time), (defaults.Solver, defaults.Steps, defaults.Spacing));
        var solver = SolverFactory.Create(defaults.Solver, model.Schedule, defaults.Eta, defaults.Churn);
        solver.Spacing = defaults.Spacing;
        solver.SetTimesteps(steps);
        Assert.Equal(0.0, solver.Grid[^1].T); // DPM-Solver's t = 1 / N is step 0
        var ourTimes = solver.Grid.Take(steps).Select(p => p.T * 999).ToArray();
        double timeGap = ourTimes.Zip(referenceTimes, (ours, reference) => Math.Abs(ours - reference)).Max();
        Assert.True(timeGap <= 1e-4, $"the model's time inputs differ by up to {timeGap:E2} steps"); // the reference's are float32

        using var noGrad = no_grad();
        var denoiser = new Denoiser(model, model.Schedule, PredictionTarget.Eps);
        // The reference starts from its noise as it is (x_T ~ N(0, I)) and returns x at its last time; this solver
        // returns x divided by that time's scale, so it is multiplied back.
        var samples = solver.Run(noise, denoiser, null) * solver.Grid[^1].Scale;
        var referenceStages = referenceTimes.Select(n => new[] { 442.0, 631.0 }.Count(b => n >= b)).ToArray();
        Assert.Equal(Enumerable.Range(0, 3).Select(k => referenceStages.Count(s => s == k)), denoiser.EvaluationsPerStage);
        double difference = (samples - expected).abs().max().item<float>() / expected.abs().max().item<float>();
        _output.WriteLine($"{steps} steps: stages {string.Join(" / ", denoiser.EvaluationsPerStage)}, samples {difference:E2} of their largest apart");
        Assert.True(difference <= 1e-5, $"the samples differ by {difference:E2} of their largest value");
    }

    /// <summary>
    /// Singlestep DPM-Solver-3 and -2 with `spacing time`: every evaluation on the grid of steps + 1 times uniform in t,
    /// r1 and r2 where the inner times fall in lambda, against the paper's score_sde copy of dpm_solver.py (time_uniform,
    /// singlestep) on the same model and schedule. Latent diffusion's own copy cannot run this (a torch.cumsum without
    /// its dim).
    /// </summary>
    [Theory]
    [InlineData(3, 20)]
    [InlineData(2, 9)] // an odd budget: its last step is first order
    public void TimeSpacedSinglestepDpmSolverSamplesAsTheReferencesSolver(int order, int steps)
    {
        using var scope = NewDisposeScope();
        using var fixture = SafetensorsFile.Open(Fixture("ldm-multistage.dpm_solver.safetensors"));
        var (noise, expected) = (fixture.Read("noise"), fixture.Read($"samples_singlestep{order}_{steps}"));
        var referenceTimes = fixture.Read($"model_times_singlestep{order}_{steps}").to(ScalarType.Float64).data<double>().ToArray();
        using var model = new ReferenceAdmMultistage();
        SafetensorsWeights.Import(model, Fixture("adm-multistage.weights.safetensors"), WeightLayout.Reference);
        model.eval();
        var solver = new DpmSolverSinglestep(model.Schedule, order) { Spacing = TimeSpacing.Time };
        solver.SetTimesteps(steps);
        // Every evaluation sits on the uniform grid of steps + 1 times: 999 (1 - i / steps) for i < steps.
        var expectedTimes = Enumerable.Range(0, steps).Select(i => 999.0 * (1 - (double)i / steps)).ToArray();
        double gridGap = expectedTimes.Zip(referenceTimes, (ours, reference) => Math.Abs(ours - reference)).Max();
        Assert.True(gridGap <= 1e-3, $"the reference's evaluations are not on the uniform grid (up to {gridGap:E2} steps off)");

        using var noGrad = no_grad();
        var recording = new RecordingModel(model);
        var denoiser = new Denoiser(recording, model.Schedule, PredictionTarget.Eps);
        var samples = solver.Run(noise, denoiser, null) * solver.Grid[^1].Scale;
        Assert.Equal(steps, denoiser.TotalEvaluations);
        // This solver's own evaluations, inner points included, at the reference's times (its are float32).
        double ownGap = recording.Times.Select(t => t * 999).Zip(referenceTimes, (ours, reference) => Math.Abs(ours - reference)).Max();
        Assert.True(ownGap <= 1e-3, $"this solver evaluates up to {ownGap:E2} steps away from the reference's times");
        var referenceStages = referenceTimes.Select(n => new[] { 442.0, 631.0 }.Count(b => n >= b)).ToArray();
        Assert.Equal(Enumerable.Range(0, 3).Select(k => referenceStages.Count(s => s == k)), denoiser.EvaluationsPerStage);
        double difference = (samples - expected).abs().max().item<float>() / expected.abs().max().item<float>();
        _output.WriteLine($"order {order}, {steps} steps: stages {string.Join(" / ", denoiser.EvaluationsPerStage)}, samples {difference:E2} of their largest apart");
        Assert.True(difference <= 1e-5, $"the samples differ by {difference:E2} of their largest value");
    }

    /// <summary>The model, recording the time of every evaluation (each evaluation shares one time over the batch).</summary>
    private sealed class RecordingModel(IMultistageModel inner) : IMultistageModel
    {
        public System.Collections.Generic.List<double> Times { get; } = new();
        public StageTable Stages => inner.Stages;
        public nn.Module Module => inner.Module;

        public Tensor Predict(Tensor x, Tensor t) => Record(t, () => inner.Predict(x, t));

        public Tensor Predict(Tensor x, Tensor t, Tensor? augmentLabels, StageSplit split) => Record(t, () => inner.Predict(x, t, augmentLabels, split));

        private Tensor Record(Tensor t, Func<Tensor> predict)
        {
            Times.Add(t[0].to(ScalarType.Float64).item<double>());
            return predict();
        }
    }
}
