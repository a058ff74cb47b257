using System;
using System.Linq;

namespace DiffusionDsl.Runtime.Schedules;

/// <summary>
/// The discrete DDPM schedule (Ho et al. 2020): beta_n linear from betaStart to betaEnd over
/// <c>steps</c> steps, alpha_bar_n = prod (1 - beta_k). Step n sits at t = n / (steps - 1); between
/// grid points log s_t is interpolated linearly (DPM-Solver's NoiseScheduleVP('discrete')). With
/// <c>sqrtSpacedBetas</c> the square roots of the betas are linear instead (latent diffusion's "linear" schedule,
/// diffusers' scaled_linear; the .msd's scaled_linear(...)).
/// </summary>
public sealed class DdpmLinearSchedule : INoiseSchedule
{
    private readonly DiscreteLogScale _grid;
    public int Steps { get; }

    public DdpmLinearSchedule(double betaStart = ScheduleDefaults.BetaStart, double betaEnd = ScheduleDefaults.BetaEnd, int steps = ScheduleDefaults.DdpmSteps,
        bool sqrtSpacedBetas = false)
    {
        if (steps < 2) throw new ArgumentException("A discrete schedule needs at least 2 steps.", nameof(steps));
        Steps = steps;
        _grid = DiscreteLogScale.FromBetas(DdpmBetas.Of(betaStart, betaEnd, steps, sqrtSpacedBetas));
    }

    public double MinTime => 0.0;
    public double Scale(double t) => Math.Exp(_grid.LogScale(t));
    public double Sigma(double t) => Math.Sqrt(double.ExpM1(-2.0 * _grid.LogScale(t)));
    public double TimeOfSigma(double sigma) => _grid.TimeOfLogScale(-0.5 * Math.Log(1.0 + sigma * sigma));

    /// <summary>
    /// Training draws the schedule's own steps, n uniform in {0, ..., steps - 1} at t_n = n / (steps - 1), as DDPM and
    /// latent diffusion train (integer timesteps), so the network learns the labels it is sampled at. P(T &lt; t): the
    /// steps below t, a boundary within rounding of a step counting that step as its own (the stage [442/999, ...) of the
    /// paper's LDM runs starts at step 442).
    /// </summary>
    public double TrainingCdf(double t) =>
        t >= 1.0 ? 1.0 : Math.Clamp(DdpmBetas.FirstStepFrom(t, Steps), 0, Steps - 1) / (double)Steps;

    public double TrainingQuantile(double p) => Math.Min(Math.Floor(Math.Clamp(p, 0.0, 1.0) * Steps + DdpmBetas.StepTolerance), Steps - 1) / (Steps - 1);

    public TorchSharp.torch.Tensor TrainingQuantiles(TorchSharp.torch.Tensor p) =>
        p.clamp(0.0, 1.0).mul((double)Steps).add(DdpmBetas.StepTolerance).floor().clamp_max(Steps - 1).div((double)(Steps - 1));

    /// <summary>The discrete step index n the DDPM network was trained on.</summary>
    public double NoiseLabel(double t) => t * (Steps - 1);
    public TorchSharp.torch.Tensor NoiseLabels(TorchSharp.torch.Tensor t) => t.to_type(TorchSharp.torch.ScalarType.Float32) * (double)(Steps - 1);

    public TorchSharp.torch.Tensor Scales(TorchSharp.torch.Tensor t) => _grid.LogScales(t).exp();
    public TorchSharp.torch.Tensor Sigmas(TorchSharp.torch.Tensor t) => _grid.LogScales(t).mul(-2.0).exp().sub(1.0).sqrt();
}
