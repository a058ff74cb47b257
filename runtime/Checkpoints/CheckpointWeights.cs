using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;
using DiffusionDsl.Runtime.Staging;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Checkpoints;

/// <summary>Loads only a checkpoint's weights into a model, for sampling and evaluation; the optimizer state is left alone.</summary>
public static class CheckpointWeights
{
    /// <summary>
    /// Copies the trained weights into <paramref name="model"/>, then, with <paramref name="ema"/>, its
    /// parameters' exponential moving average over them (what sampling normally uses). Returns the
    /// checkpoint's step. A <c>.safetensors</c> file holds one set of weights, in either naming
    /// (<see cref="SafetensorsWeights"/>), which load whatever <paramref name="ema"/> says; its step is the one
    /// its metadata records, else 0. Throws <see cref="CheckpointException"/> naming the first problem.
    /// </summary>
    public static long Load(string path, nn.Module model, string modelHash, bool ema = true)
    {
        // A disposed module lists no tensors: without this, its checkpoint would be "of another architecture".
        if (model is IMultistageModel multistage) LiveModel.Require(multistage);
        if (IsWeightsFile(path)) return LoadSafetensors(path, model, modelHash);
        using var checkpoint = CheckpointFile.Open(path);
        CopyInto(model, path, checkpoint.Data, modelHash, ema);
        return checkpoint.Data.Step;
    }

    /// <summary>
    /// Whether the file holds weights alone (safetensors, named so or found so by its content), not a training checkpoint:
    /// such a file has no optimizer, step or EMA of its own.
    /// </summary>
    public static bool IsWeightsFile(string path) => path.EndsWith(".safetensors", System.StringComparison.OrdinalIgnoreCase) || IsSafetensors(path);

    /// <summary>
    /// Whether the file is safetensors by its content, whatever its name: an 8-byte little-endian header length that fits
    /// in the file, then the JSON header's '{'. A checkpoint begins with its magic instead.
    /// </summary>
    private static bool IsSafetensors(string path)
    {
        try
        {
            using var file = System.IO.File.OpenRead(path);
            var start = new byte[9];
            if (file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false) < start.Length) return false;
            ulong headerLength = System.BitConverter.ToUInt64(start, 0); // little-endian on every platform .NET runs TorchSharp on
            return start[8] == (byte)'{' && headerLength <= (ulong)file.Length - 8;
        }
        catch (System.Exception e) when (e is System.IO.IOException or System.UnauthorizedAccessException) { return false; }
    }

    /// <summary>Checks <paramref name="data"/> against the model, then copies its weights (or their EMA) in.</summary>
    internal static void CopyInto(nn.Module model, string path, CheckpointData data, string modelHash, bool ema) =>
        Copy(Checked(model, path, data, modelHash), path, data, ema);

    /// <summary>Checks <paramref name="data"/> against the model (<see cref="CheckpointCompatibility"/>); returns the model's state for <see cref="Copy"/>.</summary>
    internal static IReadOnlyList<KeyValuePair<string, Tensor>> Checked(nn.Module model, string path, CheckpointData data, string modelHash)
    {
        var modelState = model.state_dict().ToList();
        CheckpointCompatibility.Check(path, data, modelState, modelHash);
        return modelState;
    }

    /// <summary>Copies a checked checkpoint's weights (or their EMA) into <paramref name="modelState"/>.</summary>
    internal static void Copy(IReadOnlyList<KeyValuePair<string, Tensor>> modelState, string path, CheckpointData data, bool ema)
    {
        var weights = data.Model.ToDictionary(p => p.Key, p => p.Value);
        if (ema)
        {
            if (data.Ema.Count == 0) throw new CheckpointException(path, "holds no EMA weights; load it without EMA.");
            foreach (var (name, tensor) in data.Ema)
            {
                if (!weights.TryGetValue(name, out var trained)) throw new CheckpointException(path, $"its EMA tensor '{name}' is not a model tensor.");
                if (!trained.shape.SequenceEqual(tensor.shape)) throw new CheckpointException(path, $"its EMA tensor '{name}' has another shape than the weights.");
                weights[name] = tensor;
            }
        }
        using (no_grad())
            foreach (var (name, tensor) in modelState) tensor.copy_(weights[name]);
    }

    private static long LoadSafetensors(string path, nn.Module model, string modelHash)
    {
        var metadata = SafetensorsWeights.Import(model, path, modelHash: modelHash);
        return metadata.TryGetValue(SafetensorsWeights.StepKey, out var step) && long.TryParse(step, out var value) ? value : 0;
    }
}
