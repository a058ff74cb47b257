using System;
using System.Collections.Generic;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Sampling.Solvers;

/// <summary>
/// A reverse-process solver in the diffusers style: <see cref="SetTimesteps"/> builds the grid, then
/// <see cref="Step"/> moves the state x_t (scaled as x_t = s_t x0 + s_t sigma_t eps) from Grid[i] to Grid[i + 1].
/// </summary>
public abstract class DiffusionSolver
{
    protected DiffusionSolver(INoiseSchedule schedule)
    {
        Schedule = schedule;
        EndTime = schedule.MinTime;
    }

    public INoiseSchedule Schedule { get; }

    /// <summary>
    /// The smallest t on the grid; the schedule's MinTime unless set. DPM-Solver's 20-NFE CIFAR-10 runs on
    /// score_sde models end at 1e-4, which gives the paper's 12 / 2 / 6 stage split.
    /// </summary>
    public double EndTime { get; set; }

    /// <summary>Where the DPM solvers place their steps (uniform in lambda unless set); the other solvers keep their own grids.</summary>
    public TimeSpacing Spacing { get; set; } = SampleDefaults.Spacing;

    /// <summary>
    /// When set, every clean-data estimate is clamped to [-ClipData, ClipData] and the noise estimate made
    /// consistent with it (DDPM's clip_denoised, diffusers' clip_sample), so a briefly trained model's
    /// samples stay in the data's range instead of saturating. Null (the default) leaves them as predicted.
    /// </summary>
    public double? ClipData { get; set; }

    /// <summary>Descending in noise; the state after the last step lives at Grid[^1].</summary>
    public IReadOnlyList<GridPoint> Grid { get; protected set; } = Array.Empty<GridPoint>();

    public int StepCount => Grid.Count - 1;

    /// <summary>Builds the grid for a budget of <paramref name="steps"/> (see each solver for its meaning) and clears any history.</summary>
    public abstract void SetTimesteps(int steps);

    /// <summary>The number of model evaluations a run with this budget makes.</summary>
    public virtual int EvaluationsFor(int steps) => steps;

    /// <param name="noise">The images' noise streams, for a solver that draws noise at its steps (DDPM, DDIM with eta &gt; 0, Heun with churn).</param>
    public abstract Tensor Step(Tensor x, int index, Denoiser denoiser, ImageNoise? noise);

    /// <summary>
    /// The precision the solver integrates in (the network still runs in its own): float32, unless the reference sampler
    /// keeps its state in float64 (EDM's Heun).
    /// </summary>
    public virtual ScalarType StateType => ScalarType.Float32;

    /// <summary>
    /// x_T ~ N(0, (s_T sigma_T)^2 I), each image's standard normal drawn from its own stream on the CPU in
    /// <paramref name="dtype"/> so a seed gives the same images on every device, then scaled in <see cref="StateType"/>
    /// (or float64 when drawn so).
    /// </summary>
    public Tensor InitialNoise(ImageNoise streams, long[] imageShape, Device device, ScalarType dtype = ScalarType.Float32)
    {
        using var noise = streams.Draw(imageShape, dtype);
        var state = dtype == ScalarType.Float64 ? dtype : StateType;
        using var widened = noise.to(state);
        using var scaled = widened * Grid[0].NoiseStd;
        return HostToDevice.Copy(scaled, device);
    }

    /// <summary>Runs every step from Grid[0] and returns the clean estimate x / s at the last grid point.</summary>
    public Tensor Run(Tensor xT, Denoiser denoiser, ImageNoise? noise)
    {
        if (Grid.Count < 2) throw new InvalidOperationException("Call SetTimesteps before sampling.");
        using var outer = NewDisposeScope();
        var x = xT.alias();
        for (int i = 0; i < StepCount; i++)
        {
            using var scope = NewDisposeScope();
            var next = Step(x, i, denoiser, noise);
            x.Dispose();
            x = next.MoveToOuterDisposeScope();
        }
        return (x / Grid[^1].Scale).MoveToOuterDisposeScope();
    }

    /// <summary>Uses the noisy grid points, then one clean point (sigma = 0) that the last step lands on.</summary>
    protected void SetGridEndingClean(List<GridPoint> noisy)
    {
        noisy.Add(GridPoint.Clean);
        Grid = noisy;
    }

    /// <summary>Estimates at grid point p for the scaled state x, clamped when <see cref="ClipData"/> is set.</summary>
    protected DenoisedPair Evaluate(Denoiser denoiser, Tensor x, GridPoint p) => EvaluateUnscaled(denoiser, x / p.Scale, p);

    /// <summary>The same for the unscaled state x_hat = x / s_t (EDM's variable).</summary>
    protected DenoisedPair EvaluateUnscaled(Denoiser denoiser, Tensor xHat, GridPoint p)
    {
        var pair = denoiser.Denoise(xHat, p.T);
        if (ClipData is not double limit || p.IsClean) return pair;
        var data = pair.Data.clamp(-limit, limit);
        return new DenoisedPair(data, (xHat - data) / p.Sigma);
    }

    /// <summary>Standard normal noise shaped like x, each image's from its own stream (from the global generator without streams).</summary>
    protected static Tensor NoiseLike(Tensor x, ImageNoise? noise)
    {
        if (noise is not null) return noise.Like(x);
        using var drawn = randn(x.shape, dtype: x.dtype);
        return HostToDevice.Copy(drawn, x.device);
    }
}
