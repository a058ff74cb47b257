namespace DiffusionDsl.Runtime.Data;

/// <summary>How a loaded dataset is served.</summary>
public sealed record DatasetOptions
{
    /// <summary>Flip each served image left-right with probability 1/2.</summary>
    public bool HorizontalFlip { get; init; }

    /// <summary>Seeds the shuffling (and flips) when NextBatch is given no generator.</summary>
    public long Seed { get; init; } = 0;

    /// <summary>Channels for image folders: 3 (RGB) or 1 (grey).</summary>
    public int ImageChannels { get; init; } = 3;

    /// <summary>Keep at most this many images (the first ones), e.g. for quick runs.</summary>
    public int? Limit { get; init; }

    /// <summary>
    /// The side of the square images the model takes, when known: a folder of images of another size is refused from its
    /// first image, before the rest are decoded (a folder of photos for a 64x64 model was decoded whole first).
    /// </summary>
    public int? ImageSize { get; init; }
}
