using System;
using System.Collections.Generic;

namespace DiffusionDsl.Runtime.Training;

/// <summary>What one optimizer step reports: the mean loss, the loss per stage (NaN where the batch had none), rate and timing.</summary>
public sealed record TrainStepInfo(long Step, long TotalSteps, double Loss, IReadOnlyList<double> StageLosses, double LearningRate, TimeSpan Elapsed);
