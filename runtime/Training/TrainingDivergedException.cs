using System;

namespace DiffusionDsl.Runtime.Training;

/// <summary>The loss became NaN or infinite; nothing was written after the last good checkpoint.</summary>
public sealed class TrainingDivergedException : Exception
{
    public long Step { get; }
    public string? LastGoodCheckpoint { get; }

    public TrainingDivergedException(long step, double loss, string? lastGoodCheckpoint)
        : base($"Training stopped: the loss is {loss} at step {step}. " +
               (lastGoodCheckpoint is null ? "No checkpoint was written before it." : $"The last good checkpoint is '{lastGoodCheckpoint}'."))
    {
        Step = step;
        LastGoodCheckpoint = lastGoodCheckpoint;
    }
}
