namespace DiffusionDsl.Runtime.Blocks;

/// <summary>
/// How many heads an attention over a width has: a fixed count (EDM's num_heads, 1 by default), or as many as
/// <c>headChannels</c> channels per head make (ADM's num_head_channels). The checker and the runtime's blocks both ask it.
/// </summary>
public static class AttentionHeads
{
    /// <summary>The heads for <paramref name="channels"/>, or null when they do not divide the width.</summary>
    public static int? For(int channels, int heads, int headChannels)
    {
        if (headChannels > 0) return channels % headChannels == 0 && channels > 0 ? channels / headChannels : null;
        return heads > 0 && channels % heads == 0 ? heads : null;
    }

    /// <summary>How a message names the rule: "4 attention heads" or "32 channels per attention head".</summary>
    public static string Describe(int heads, int headChannels) =>
        headChannels > 0 ? $"{headChannels} channels per attention head" : $"{heads} attention head{(heads == 1 ? "" : "s")}";
}
