using System;
using System.Collections.Generic;

namespace DiffusionDsl.Runtime.Training;

/// <summary>
/// What one optimizer step reports: the mean loss, the loss per stage (NaN where the batch had none), rate and timing;
/// the training images seen so far in all (<see cref="ImagesSeen"/>) and per stage (<see cref="StageSamples"/>), and the
/// training GFLOPs they cost (<see cref="TrainingCompute"/>; null when the model has no cost table).
/// </summary>
/// <remarks>
/// From <see cref="MultistageTrainer.Train"/> the losses stay on the device until <see cref="Loss"/> or
/// <see cref="StageLosses"/> is first read (one host read, then kept): a subscriber that reads them only every
/// LogEvery steps, as the training session does, leaves the other steps without a host-device synchronisation.
/// </remarks>
public sealed record TrainStepInfo
{
    private readonly Lazy<(double Loss, double[] StageLosses)> _losses;

    public TrainStepInfo(long Step, long TotalSteps, double Loss, IReadOnlyList<double> StageLosses, double LearningRate, TimeSpan Elapsed,
        long ImagesSeen = 0, IReadOnlyList<long>? StageSamples = null, double? TrainGFlops = null)
        : this(Step, TotalSteps, () => (Loss, [.. StageLosses]), LearningRate, Elapsed, ImagesSeen, StageSamples, TrainGFlops)
    {
    }

    /// <summary>A step whose losses are read when first asked for.</summary>
    public TrainStepInfo(long Step, long TotalSteps, Func<(double Loss, double[] StageLosses)> readLosses, double LearningRate, TimeSpan Elapsed,
        long ImagesSeen = 0, IReadOnlyList<long>? StageSamples = null, double? TrainGFlops = null)
    {
        this.Step = Step;
        this.TotalSteps = TotalSteps;
        _losses = new Lazy<(double, double[])>(readLosses);
        this.LearningRate = LearningRate;
        this.Elapsed = Elapsed;
        this.ImagesSeen = ImagesSeen;
        this.StageSamples = StageSamples;
        this.TrainGFlops = TrainGFlops;
    }

    public long Step { get; init; }
    public long TotalSteps { get; init; }
    public double Loss => _losses.Value.Loss;
    /// <summary>Each stage's mean loss in this step; NaN for a stage that had no samples in it (metrics.csv leaves that cell empty).</summary>
    public IReadOnlyList<double> StageLosses => _losses.Value.StageLosses;
    public double LearningRate { get; init; }
    /// <summary>Time since this <see cref="MultistageTrainer.Train"/> call began (the rate of this process's steps).</summary>
    public TimeSpan Elapsed { get; init; }
    /// <summary>Training time over the whole run, resumed parts included (<see cref="MultistageTrainer.TrainingTime"/>); null when not known.</summary>
    public TimeSpan? RunElapsed { get; init; }
    public long ImagesSeen { get; init; }
    public IReadOnlyList<long>? StageSamples { get; init; }
    public double? TrainGFlops { get; init; }
}
