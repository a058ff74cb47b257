using System;

namespace DiffusionDsl.Runtime.Data;

/// <summary>Decoded 8-bit images laid out [N, C, H, W], before scaling.</summary>
public sealed record RawImages(byte[] Pixels, int Count, int Channels, int Height, int Width)
{
    public int ImageSize => Channels * Height * Width;

    /// <summary>The images the source holds when fewer were read (a folder read with a limit decodes only the first N); else null.</summary>
    public int? Available { get; init; }

    public static RawImages Concatenate(RawImages first, RawImages second, string secondSource)
    {
        if (first.Channels != second.Channels || first.Height != second.Height || first.Width != second.Width)
            throw new DataFormatException(secondSource,
                $"images are {second.Channels}x{second.Height}x{second.Width}, but earlier files hold {first.Channels}x{first.Height}x{first.Width}.");
        var pixels = new byte[first.Pixels.Length + second.Pixels.Length];
        Buffer.BlockCopy(first.Pixels, 0, pixels, 0, first.Pixels.Length);
        Buffer.BlockCopy(second.Pixels, 0, pixels, first.Pixels.Length, second.Pixels.Length);
        return new RawImages(pixels, first.Count + second.Count, first.Channels, first.Height, first.Width);
    }
}
