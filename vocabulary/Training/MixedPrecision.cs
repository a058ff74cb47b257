namespace DiffusionDsl.Runtime.Training;

/// <summary>The precision the forward pass and the loss train in; parameters, gradients, optimizer state and EMA stay float32.</summary>
public enum MixedPrecision
{
    /// <summary>
    /// bf16 autocast on a CUDA device when libtorch offers it (the runtime's <c>Autocast.IsAvailable</c>), float32 otherwise: the
    /// exported train.py's `--bf16 auto`. GPUs before Ampere have no fast bf16: use <see cref="Float32"/> there.
    /// </summary>
    Auto,
    /// <summary>
    /// Everything in float32, as the reference code trains (EDM's train.py without --fp16): the trainer also turns off TF32
    /// in CUDA matrix products and convolutions (the runtime's <c>MixedPrecisionPolicy.StrictFloat32</c>), as EDM's training
    /// loop does, where libtorch's default rounds convolution inputs to TF32 on Ampere and later GPUs.
    /// </summary>
    Float32,
    /// <summary>bf16 autocast on any device (the CPU's too); an error where libtorch does not offer autocast.</summary>
    BFloat16,
}

/// <summary>The .msd's names of the precisions (`precision auto|fp32|bf16` in the train section, msd train --precision).</summary>
public static class MixedPrecisionNames
{
    public static readonly System.Collections.Generic.IReadOnlyDictionary<string, MixedPrecision> ByName = new System.Collections.Generic.Dictionary<string, MixedPrecision>
    {
        ["auto"] = MixedPrecision.Auto, ["fp32"] = MixedPrecision.Float32, ["bf16"] = MixedPrecision.BFloat16,
    };

    /// <summary>The name the .msd writes <paramref name="precision"/> with.</summary>
    public static string Of(MixedPrecision precision) => System.Linq.Enumerable.First(ByName, pair => pair.Value == precision).Key;
}
