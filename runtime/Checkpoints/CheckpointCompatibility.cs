using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Checkpoints;

/// <summary>Checks a checkpoint against the model it is about to be loaded into; names the first mismatch.</summary>
public static class CheckpointCompatibility
{
    public static void Check(string path, CheckpointData data, IReadOnlyList<KeyValuePair<string, Tensor>> modelState, string modelHash)
    {
        // Another model's checkpoint is named as such first: its first differing tensor says less than that.
        if (data.ModelHash != modelHash) throw AnotherModel(path, data.ModelHash, modelHash);
        var stored = data.Model.ToDictionary(p => p.Key, p => p.Value);
        foreach (var (name, tensor) in modelState)
        {
            if (!stored.TryGetValue(name, out var saved))
                throw new CheckpointException(path, $"another architecture: the model's tensor '{name}' is not in the checkpoint.");
            if (!saved.shape.SequenceEqual(tensor.shape))
                throw new CheckpointException(path, $"another architecture: tensor '{name}' has shape [{string.Join(", ", saved.shape)}] in the checkpoint but [{string.Join(", ", tensor.shape)}] in the model.");
            if (saved.dtype != tensor.dtype)
                throw new CheckpointException(path, $"another architecture: tensor '{name}' is {saved.dtype} in the checkpoint but {tensor.dtype} in the model.");
        }
        var names = modelState.Select(p => p.Key).ToHashSet();
        var extra = data.Model.FirstOrDefault(p => !names.Contains(p.Key));
        if (extra.Key is not null)
            throw new CheckpointException(path, $"another architecture: the checkpoint's tensor '{extra.Key}' is not in the model.");
    }

    /// <summary>Weights that fit the tensors but were trained as another model (ModelHash: image, diffusion, stages, shapes).</summary>
    public static CheckpointException AnotherModel(string path, string stored, string expected) =>
        new(path, $"written for another model: its image, diffusion, stages or network shapes differ from this one's " +
                  $"(model hash '{stored}' in the file, '{expected}' here); load it into the model it was trained as.");
}
