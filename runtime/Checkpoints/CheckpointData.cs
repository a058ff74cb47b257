using System.Collections.Generic;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Checkpoints;

/// <summary>
/// A checkpoint's model hash, step, weights, EMA and the state of its random draws by name (generators, the data order).
/// The optimizer state,
/// the largest part, is streamed separately: see <see cref="CheckpointFile.Write"/> and <see cref="CheckpointReader"/>.
/// </summary>
public sealed record CheckpointData(
    string ModelHash,
    long Step,
    IReadOnlyList<KeyValuePair<string, Tensor>> Model,
    IReadOnlyList<KeyValuePair<string, Tensor>> Ema,
    IReadOnlyList<KeyValuePair<string, byte[]>> RandomStates);
