using System;
using System.Collections.Generic;

namespace DiffusionDsl.Runtime.Training;

/// <summary>
/// What one optimizer step reports: the mean loss, the loss per stage (NaN where the batch had none), rate and timing;
/// the training images seen so far in all (<see cref="ImagesSeen"/>) and per stage (<see cref="StageSamples"/>), and the
/// training GFLOPs they cost (<see cref="TrainingCompute"/>; null when the model has no cost table).
/// </summary>
public sealed record TrainStepInfo(long Step, long TotalSteps, double Loss, IReadOnlyList<double> StageLosses, double LearningRate, TimeSpan Elapsed,
    long ImagesSeen = 0, IReadOnlyList<long>? StageSamples = null, double? TrainGFlops = null);
