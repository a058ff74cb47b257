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

    /// <summary>The discrete step index n the DDPM network was trained on.</summary>
    public double NoiseLabel(double t) => t * (Steps - 1);
    public TorchSharp.torch.Tensor NoiseLabels(TorchSharp.torch.Tensor t) => t.to_type(TorchSharp.torch.ScalarType.Float32) * (double)(Steps - 1);

    public TorchSharp.torch.Tensor Scales(TorchSharp.torch.Tensor t) => _grid.LogScales(t).exp();
    public TorchSharp.torch.Tensor Sigmas(TorchSharp.torch.Tensor t) => _grid.LogScales(t).mul(-2.0).exp().sub(1.0).sqrt();
}
