using System;
using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Sampling.Solvers;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Staging;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Sampling;

/// <summary>
/// Draws images with the chosen solver. Every step shares one t across the batch, so each model
/// evaluation runs the shared encoder and one stage decoder; <see cref="EvaluationsPerStage"/> counts them.
/// </summary>
public sealed class MultistageSampler
{
    private readonly Denoiser _denoiser;

    public SampleOptions Options { get; }
    public DiffusionSolver Solver { get; }

    public MultistageSampler(IMultistageModel model, INoiseSchedule schedule, PredictionTarget target, SampleOptions options)
    {
        // The .msd's sample section is held to these by the compiler; options set from C# are checked here.
        SettingRangeCheck.Require(options.Steps, SampleRanges.Steps, nameof(options.Steps), "sample");
        SettingRangeCheck.Require(options.Count, SampleRanges.Count, nameof(options.Count), "sample");
        SettingRangeCheck.Require(options.Eta, SampleRanges.Eta, nameof(options.Eta), "sample");
        options.Churn.Require();
        if (options.BatchSize < 1) throw new ArgumentException($"BatchSize (images per model call) must be at least 1, not {options.BatchSize}.", nameof(options));
        Float32Parameters.Require(model.Module, "Sampling");
        Options = options;
        _denoiser = new Denoiser(model, schedule, target);
        Solver = SolverFactory.Create(options.Solver, schedule, options.Eta, options.Churn);
        if (options.EndTime is double endTime)
        {
            RequireEndTime(schedule, endTime);
            Solver.EndTime = endTime;
        }
        if (options.ClipDenoised) Solver.ClipData = 1.0;
        Solver.Spacing = options.Spacing;
    }

    /// <summary>The end time as the compiler holds the sample section's end_time: not for edm, and no lower than training goes.</summary>
    private static void RequireEndTime(INoiseSchedule schedule, double endTime)
    {
        SettingRangeCheck.Require(endTime, SampleRanges.EndTime, nameof(SampleOptions.EndTime), "sample");
        if (schedule is EdmSchedule)
            throw new ArgumentException("An end time sets where a vp, cosine or ddpm schedule's sampling stops; the EdmSchedule stops at its sigma_min.", "options");
        if (endTime < schedule.TrainingMinTime)
            throw new ArgumentException($"The end time {endTime.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} is below t = " +
                                        $"{schedule.TrainingMinTime.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, where training starts: no decoder learned those times.", "options");
    }

    /// <summary>Evaluations per stage for ONE batch of the last <see cref="Sample"/> call.</summary>
    public IReadOnlyList<int> EvaluationsPerStage { get; private set; } = Array.Empty<int>();

    public Tensor Sample(int count, int channels, int height, int width) => Sample(count, channels, height, width, Options.Seed);

    /// <summary>Images of shape [count, channels, height, width], in the data's range (usually [-1, 1]; clamped only with ClipDenoised).</summary>
    public Tensor Sample(int count, int channels, int height, int width, long seed)
    {
        LiveModel.Require(_denoiser.Model);
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Sample at least 1 image.");
        var module = _denoiser.Model.Module;
        bool wasTraining = module.training;
        var device = module.parameters().FirstOrDefault()?.device ?? TorchSetup.DefaultDevice();
        var batches = new List<Tensor>();
        module.eval();
        try
        {
            using var noGrad = no_grad();
            for (int start = 0; start < count; start += Options.BatchSize)
            {
                int n = Math.Min(Options.BatchSize, count - start);
                _denoiser.ResetCounts();
                Solver.SetTimesteps(Options.Steps);
                using var scope = NewDisposeScope();
                // Each image's noise from its own stream: an image is the same whatever the batch size and the count.
                using var streams = new ImageNoise(seed, start, n);
                var noise = Solver.InitialNoise(streams, new long[] { channels, height, width }, device);
                // Images in float32 whatever the precision the solver integrated in.
                batches.Add(Solver.Run(noise, _denoiser, streams).to(ScalarType.Float32).MoveToOuterDisposeScope());
            }
            EvaluationsPerStage = _denoiser.EvaluationsPerStage.ToArray();
            return batches.Count == 1 ? batches[0] : cat(batches, 0);
        }
        catch
        {
            foreach (var b in batches) b.Dispose(); // the finished batches, moved out of their scopes: not left to the finalizer
            batches.Clear();
            throw;
        }
        finally
        {
            if (batches.Count > 1) foreach (var b in batches) b.Dispose();
            module.train(wasTraining);
        }
    }
}
