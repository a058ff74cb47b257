using System;
using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Sampling.Solvers;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Sampling;

/// <summary>Every solver driven by the exact denoiser of Gaussian data, where the probability-flow ODE has a closed form.</summary>
public class SolverAnalyticTests
{
    private readonly ITestOutputHelper _output;
    public SolverAnalyticTests(ITestOutputHelper output) => _output = output;

    private const int SampleCount = 4000;
    // Stated tolerances. Sampling noise alone: the mean's standard error is at most 0.6 / sqrt(4000) = 0.0095 and the
    // variance's relative one sqrt(2 / 3999) = 2.2%; the rest of the band is each solver's discretisation error at its budget.
    private const double MeanTolerance = 0.04;
    private const double RelativeVarianceTolerance = 0.10;

    public static IEnumerable<object[]> Cases() => new[]
    {
        new object[] { "vp", SolverKind.DdpmAncestral, 1000, 0.0, PredictionTarget.Eps },
        new object[] { "ddpm", SolverKind.DdpmAncestral, 1000, 0.0, PredictionTarget.Eps },
        new object[] { "vp", SolverKind.Ddim, 200, 0.0, PredictionTarget.Eps },
        new object[] { "vp", SolverKind.Ddim, 1000, 1.0, PredictionTarget.V },
        new object[] { "vp", SolverKind.DpmSolver2, 40, 0.0, PredictionTarget.Eps },
        new object[] { "vp", SolverKind.DpmSolver3, 20, 0.0, PredictionTarget.Eps },
        new object[] { "cosine", SolverKind.DpmSolver3, 20, 0.0, PredictionTarget.Eps },
        new object[] { "vp", SolverKind.DpmSolverPlusPlus2M, 20, 0.0, PredictionTarget.X0 },
        new object[] { "vp", SolverKind.EdmHeun, 36, 0.0, PredictionTarget.Eps },
        new object[] { "vp", SolverKind.Euler, 200, 0.0, PredictionTarget.Eps },
        new object[] { "edm", SolverKind.EdmHeun, 36, 0.0, PredictionTarget.Edm },
        new object[] { "edm", SolverKind.Euler, 200, 0.0, PredictionTarget.Edm },
        new object[] { "edm", SolverKind.DpmSolver3, 20, 0.0, PredictionTarget.Edm },
        new object[] { "edm", SolverKind.DpmSolverPlusPlus2M, 20, 0.0, PredictionTarget.Edm },
        new object[] { "edm", SolverKind.Ddim, 200, 0.0, PredictionTarget.V },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void SamplesReproduceTheDataMeanAndVariance(string scheduleName, SolverKind kind, int steps, double eta, PredictionTarget target)
    {
        var schedule = ScheduleCases.Create(scheduleName);
        var model = new GaussianOracleModel(schedule, target, GaussianData.Mean(), GaussianData.Variance());
        var sampler = new MultistageSampler(model, schedule, target, new SampleOptions { Solver = kind, Steps = steps, Eta = eta, Seed = 3, BatchSize = SampleCount });
        var images = sampler.Sample(SampleCount, 1, 2, 2);

        var meanError = (images.mean(new long[] { 0 }) - GaussianData.Mean()).abs().max().item<float>();
        var varianceError = (images.var(0) / GaussianData.Variance() - 1).abs().max().item<float>();
        _output.WriteLine($"{scheduleName} {kind} {steps}: mean error {meanError:F4}, relative variance error {varianceError:F4}");
        Assert.True(meanError < MeanTolerance, $"mean error {meanError}");
        Assert.True(varianceError < RelativeVarianceTolerance, $"relative variance error {varianceError}");
        Assert.Equal(sampler.Solver.EvaluationsFor(steps), sampler.EvaluationsPerStage.Sum());
    }

    internal static double OdeError(string scheduleName, SolverKind kind, int steps)
    {
        var schedule = ScheduleCases.Create(scheduleName);
        var target = scheduleName == "edm" ? PredictionTarget.Edm : PredictionTarget.Eps;
        var model = new GaussianOracleModel(schedule, target, GaussianData.Mean(ScalarType.Float64), GaussianData.Variance(ScalarType.Float64));
        var solver = SolverFactory.Create(kind, schedule);
        solver.SetTimesteps(steps);
        using var streams = new ImageNoise(5, 0, 500);
        var noise = solver.InitialNoise(streams, new long[] { 1, 2, 2 }, CPU, ScalarType.Float64);
        var result = solver.Run(noise, new Denoiser(model, schedule, target), null);
        var exact = model.ExactFlow(noise / solver.Grid[0].Scale, solver.Grid[0].Sigma, solver.Grid[^1].Sigma);
        return (result - exact).square().mean().sqrt().item<double>();
    }

    [Theory]
    [InlineData("vp", SolverKind.DpmSolver2, 20, 20)]
    [InlineData("vp", SolverKind.DpmSolver3, 20, 20)]
    [InlineData("vp", SolverKind.DpmSolverPlusPlus2M, 20, 20)]
    [InlineData("vp", SolverKind.EdmHeun, 18, 35)]
    [InlineData("edm", SolverKind.EdmHeun, 18, 35)]
    [InlineData("edm", SolverKind.DpmSolver3, 20, 20)]
    [InlineData("edm", SolverKind.DpmSolverPlusPlus2M, 20, 20)]
    public void HigherOrderSolverBeatsEulerAtEqualEvaluations(string scheduleName, SolverKind kind, int steps, int eulerSteps)
    {
        Assert.Equal(eulerSteps, SolverFactory.Create(kind, ScheduleCases.Create(scheduleName)).EvaluationsFor(steps));
        double higher = OdeError(scheduleName, kind, steps);
        double euler = OdeError(scheduleName, SolverKind.Euler, eulerSteps);
        _output.WriteLine($"{kind}: RMS error {higher:E3} vs Euler {euler:E3} at {eulerSteps} NFE");
        Assert.True(higher < 0.8 * euler, $"{kind} error {higher:E3} is not clearly below Euler's {euler:E3}");
    }

    [Theory]
    [InlineData("edm", SolverKind.Euler, 36, 1.7, 2.3)]
    [InlineData("edm", SolverKind.EdmHeun, 18, 3.3, 5.0)]
    [InlineData("vp", SolverKind.DpmSolver2, 20, 3.3, 5.0)]
    [InlineData("vp", SolverKind.DpmSolverPlusPlus2M, 20, 3.0, 5.0)]
    [InlineData("vp", SolverKind.DpmSolver3, 18, 6.0, 40.0)]
    public void DoublingTheStepsShrinksTheErrorAsTheOrderPredicts(string scheduleName, SolverKind kind, int steps, double minRatio, double maxRatio)
    {
        double ratio = OdeError(scheduleName, kind, steps) / OdeError(scheduleName, kind, 2 * steps);
        _output.WriteLine($"{kind}: error ratio {ratio:F2} when doubling {steps} steps");
        Assert.InRange(ratio, minRatio, maxRatio);
    }

    [Fact]
    public void DdimWithEtaZeroIsEulerOnTheEdmSchedule()
    {
        // EDM Sec. 3: DDIM is Euler on dx/dsigma = eps; on the EDM schedule uniform t is EDM's sigma grid too.
        Assert.Equal(OdeError("edm", SolverKind.Euler, 30), OdeError("edm", SolverKind.Ddim, 30), 9);
    }
}
