using System.Collections.Generic;
using DiffusionDsl.Runtime.Blocks;

namespace DiffusionDsl.Runtime.Networks;

/// <summary>The shared encoder's layout (EDM SongUNet as DDPM++ or NCSN++, or ADM), as the .msd compiler computed it.</summary>
/// <param name="HeadChannels">Channels per attention head (ADM's num_head_channels); 0: <paramref name="Heads"/> heads at every width.</param>
public sealed record EncoderLayout(
    int InChannels,
    int StemWidth,
    IReadOnlyList<Level> Levels,
    NoiseEmbeddingKind Embedding = NoiseEmbeddingKind.Positional,
    int EmbeddingChannels = 0,
    int AugmentDim = 0,
    double Dropout = 0,
    int Groups = 0,
    int Heads = 1,
    bool MiddleInEncoder = false,
    int MaxGroups = GroupNormRule.EdmMaxGroups,
    EncoderFamily Family = EncoderFamily.Ddpmpp,
    int HeadChannels = 0) : IEncoderShape
{
    public EncoderFamily FamilyKind => Family;
    public int NoiseChannels => EncoderFamilies.NoiseChannels(Family, Embedding, StemWidth);
    public int EmbeddingWidth => EmbeddingChannels > 0 ? EmbeddingChannels : NoiseEmbeddingWidth.Default(StemWidth);
    public int BottleneckWidth => NetworkPlan.BottleneckWidth(this);
    /// <summary>Groups &gt; 0 fixes every norm's group count; otherwise each width gets min(MaxGroups, width / 4).</summary>
    public GroupNormRule GroupNorm => new(Groups, MaxGroups);
    public BlockOptions BlockOptions => new(Dropout, GroupNorm, Heads, EncoderFamilies.Filter(Family), HeadChannels);

    /// <summary>The channels of every skip connection, in the order the encoder produces them.</summary>
    public IReadOnlyList<int> SkipWidths => NetworkPlan.SkipWidths(this);
}

/// <summary>One stage's decoder: its levels from the lowest resolution up to the image.</summary>
public sealed record DecoderLayout(IReadOnlyList<Level> Levels, int OutChannels);
