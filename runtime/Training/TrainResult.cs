namespace DiffusionDsl.Runtime.Training;

/// <summary>How a <see cref="MultistageTrainer.Train"/> call ended.</summary>
public sealed record TrainResult(long Step, double LastLoss, string? LastCheckpoint, bool Cancelled);
