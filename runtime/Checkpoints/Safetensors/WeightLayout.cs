namespace DiffusionDsl.Runtime.Checkpoints.Safetensors;

/// <summary>How tensors are named in a weights file.</summary>
public enum WeightLayout
{
    /// <summary>This runtime's state_dict keys: encoder.* and &lt;stage&gt;.dec.*.</summary>
    Native,
    /// <summary>The reference code's keys (see <see cref="ReferenceNames"/>).</summary>
    Reference,
}
