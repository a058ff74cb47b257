using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Sampling.Solvers;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Staging;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Generator.Tests;

/// <summary>
/// DPM-Solver-3 samples a multistage model as the paper code's own DPM-Solver does (dpm-solver/score_sde_pytorch/
/// dpm_solver.py, run by scripts/reference/make_dpm_solver_fixture.py as its sampling.py runs the VP models: singlestep,
/// order 3, logSNR steps from t = 1 to 1e-3, its config's sampling.eps, and to 1e-4, where the sample.sh behind the
/// paper's 20-step figures stops; one noise model per stage). The stage models are exact for Gaussian data of
/// a different variance per stage, so a step routed to the wrong stage, or a wrong step, shows in the samples.
/// </summary>
public class ReferenceDpmSolverTests
{
    private static readonly double[] Boundaries = { 0.45, 0.85 };
    private static readonly double[] Variances = { 0.05, 0.3, 1.0 };

    private readonly Xunit.Abstractions.ITestOutputHelper _output;
    public ReferenceDpmSolverTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    /// <summary>eps(x_t, t) = sigma_t x_t / (alpha_t^2 v_k + sigma_t^2) for data N(0, v_k I), v_k the variance of t's stage.</summary>
    private sealed class StagewiseGaussian(VpSchedule schedule, StageTable stages) : IMultistageModel
    {
        public List<(double T, long Stage)> Calls { get; } = new();
        public StageTable Stages => stages;
        public nn.Module Module { get; } = nn.Identity();

        public Tensor Predict(Tensor x, Tensor t)
        {
            using var scope = NewDisposeScope();
            var stage = stages.StageOf(t);
            Calls.Add((t[0].item<double>(), stage[0].item<long>()));
            var v = tensor(Variances).index_select(0, stage).view(-1, 1, 1, 1);
            var alpha = schedule.Scales(t).view(-1, 1, 1, 1);
            var std = alpha * schedule.Sigmas(t).view(-1, 1, 1, 1); // the VP marginal std, sigma_t = alpha_t x EDM's sigma
            return (std * x.to(ScalarType.Float64) / (alpha.square() * v + std.square())).to(x.dtype).MoveToOuterDisposeScope();
        }
    }

    [Theory]
    [InlineData("dpm_solver3.safetensors", null, 1e-3)]
    [InlineData("dpm_solver3.end-1e-4.safetensors", 1e-4, 5e-3)]
    public void DpmSolver3SamplesAMultistageModelAsTheReferencesDpmSolver(string file, double? endTime, double timeTolerance)
    {
        using var fixture = SafetensorsFile.Open(Path.Combine(AppContext.BaseDirectory, "Reference", file));
        var (noise, expected, expected64) = (fixture.Read("noise"), fixture.Read("samples"), fixture.Read("samples_float64"));
        var referenceTimes = fixture.Read("call_times").data<float>().ToArray();
        var referenceStages = fixture.Read("call_stages").data<long>().ToArray();

        var schedule = new VpSchedule(betaMin: 0.1, betaMax: 20.0);
        var stages = new StageTable(new[] { new StageInfo("near_data", 0, Boundaries[0]), new StageInfo("middle", Boundaries[0], Boundaries[1]),
                                            new StageInfo("near_noise", Boundaries[1], 1) });
        var model = new StagewiseGaussian(schedule, stages);
        var solver = new DpmSolverSinglestep(schedule, order: 3);
        if (endTime is double end) solver.EndTime = end;
        solver.SetTimesteps(20);
        Assert.Equal(endTime ?? 1e-3, solver.Grid[^1].T, 12);

        using var noGrad = no_grad();
        // The reference starts from its noise as drawn (score_sde's prior, std 1); so does this run.
        var samples = solver.Run(noise, new Denoiser(model, schedule, PredictionTarget.Eps), null);

        Assert.Equal(referenceStages, model.Calls.Select(c => c.Stage).ToArray());
        // The reference computes its times in float32: its lambda at t = 1e-3 takes log(1 - exp(-1e-4)), where float32
        // keeps about three digits, so its late times run up to 4e-4 (relative) above this solver's float64 ones (at
        // 1e-4, log(1 - exp(-1e-5)), float32 keeps about two, and its late times run 2e-3 off).
        double worst = model.Calls.Zip(referenceTimes, (ours, reference) => Math.Abs(ours.T - reference) / reference).Max();
        Assert.True(worst <= timeTolerance, $"evaluation times differ by up to {worst:E2} relative");
        // The reference returns x at t_end; this solver divides it by alpha(t_end), its clean estimate there. Against the
        // reference run in float64 the samples agree to 1e-5; against its float32 run, to that run's own rounding more.
        var atEnd = samples * solver.Grid[^1].Scale;
        double difference = Relative(atEnd, expected64), referenceRounding = Relative(expected, expected64), versusFloat32 = Relative(atEnd, expected);
        _output.WriteLine($"{model.Calls.Count} evaluations (per stage {string.Join(" / ", Enumerable.Range(0, 3).Select(k => referenceStages.Count(s => s == k)))}), " +
                          $"relative difference {difference:E2} from the float64 reference, {versusFloat32:E2} from the float32 one " +
                          $"(whose rounding is {referenceRounding:E2}); times within {worst:E2}");
        Assert.True(difference <= 1e-5, $"relative difference {difference:E2}");
        Assert.True(versusFloat32 <= referenceRounding + 1e-5, $"relative difference {versusFloat32:E2} from the float32 reference");

        // The comparison tells solvers apart: DPM-Solver-2 with the same 20 evaluations lands elsewhere.
        var second = new DpmSolverSinglestep(schedule, order: 2);
        if (endTime is double secondEnd) second.EndTime = secondEnd;
        second.SetTimesteps(20);
        var other = second.Run(noise, new Denoiser(new StagewiseGaussian(schedule, stages), schedule, PredictionTarget.Eps), null);
        double otherDifference = Relative(other * second.Grid[^1].Scale, expected64);
        _output.WriteLine($"DPM-Solver-2, 20 evaluations: relative difference {otherDifference:E2}");
        Assert.True(otherDifference > 100 * 1e-5, $"DPM-Solver-2: relative difference {otherDifference:E2}");
    }

    /// <summary>
    /// DPM-Solver++(2M) against the reference's multistep DPM-Solver++ of order 2 (its default lower_order_final, which
    /// lowers the last step's order only below 10 steps), 12 steps to 1e-3 on the same per-stage models. It followed
    /// diffusers' threshold of 15 before, and took the 12th step at first order.
    /// </summary>
    [Fact]
    public void DpmSolverPlusPlus2MSamplesAMultistageModelAsTheReferencesMultistepSolver()
    {
        using var fixture = SafetensorsFile.Open(Path.Combine(AppContext.BaseDirectory, "Reference", "dpm_solver_pp2m.safetensors"));
        var (noise, expected, expected64) = (fixture.Read("noise"), fixture.Read("samples"), fixture.Read("samples_float64"));
        var referenceStages = fixture.Read("call_stages").data<long>().ToArray();
        var schedule = new VpSchedule(betaMin: 0.1, betaMax: 20.0);
        var stages = new StageTable(new[] { new StageInfo("near_data", 0, Boundaries[0]), new StageInfo("middle", Boundaries[0], Boundaries[1]),
                                            new StageInfo("near_noise", Boundaries[1], 1) });
        var model = new StagewiseGaussian(schedule, stages);
        var solver = new DpmSolverPlusPlus2M(schedule);
        solver.SetTimesteps(12);

        using var noGrad = no_grad();
        var samples = solver.Run(noise, new Denoiser(model, schedule, PredictionTarget.Eps), null);
        Assert.Equal(referenceStages, model.Calls.Select(c => c.Stage).ToArray());
        double difference = Relative(samples * solver.Grid[^1].Scale, expected64), referenceRounding = Relative(expected, expected64);
        _output.WriteLine($"relative difference {difference:E2} from the float64 reference (whose float32 run's rounding is {referenceRounding:E2})");
        Assert.True(difference <= 1e-5, $"relative difference {difference:E2}");
    }

    private static double Relative(Tensor actual, Tensor expected) =>
        (actual - expected).abs().max().item<float>() / expected.abs().max().item<float>();
}
