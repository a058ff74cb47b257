using System.Collections.Generic;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Checkpoints;

/// <summary>Everything needed to continue a run: weights, EMA, optimizer moments, step, RNG state and the model's hash.</summary>
public sealed record CheckpointData(
    string ModelHash,
    long Step,
    IReadOnlyList<KeyValuePair<string, Tensor>> Model,
    IReadOnlyList<KeyValuePair<string, Tensor>> Ema,
    byte[] OptimizerState,
    byte[] GeneratorState);
