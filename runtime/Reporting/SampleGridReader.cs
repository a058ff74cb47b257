using System;
using DiffusionDsl.Runtime.Data;
using SkiaSharp;

namespace DiffusionDsl.Runtime.Reporting;

/// <summary>Images cut from a PNG grid, and the layout they were found in.</summary>
/// <param name="Columns">Grid columns; with <paramref name="Rows"/> the cells, including empty ones after the last image.</param>
/// <param name="Scale">Pixels per image pixel (msd sample's --scale).</param>
public sealed record GridImages(RawImages Images, int Columns, int Rows, int Scale, int Padding)
{
    /// <summary>Whether the grid recorded its image count; otherwise trailing all-black cells were taken as empty.</summary>
    public bool CountRecorded { get; init; }

    public int Cells => Columns * Rows;
    public int TileSize => Images.Height;
}

/// <summary>
/// Reads back a grid that <see cref="SampleGrid.SavePng"/> wrote: square tiles of side T x scale separated and
/// surrounded by <c>padding</c> black pixels (2 by default), ceil(sqrt(n)) columns, filled row by row, the unused cells
/// of the last row black, and n recorded in a PNG text chunk (a grid without it counts up to its last cell that is not
/// all black). Each tile is reduced back to T x T pixels (one pixel per scale x scale block, which
/// SampleGrid fills with one value). A grid whose every pixel is grey (R = G = B), as SampleGrid writes one-channel
/// images, gives one-channel images; otherwise RGB.
/// </summary>
public static class SampleGridReader
{
    public const int DefaultPadding = 2;

    /// <param name="tile">The image side T in image pixels; null infers it (and the scale) from the black padding lines.</param>
    /// <param name="count">How many images to read (the first ones); null reads as many as the grid records, or, when it
    /// records none, up to the last cell that is not all black.</param>
    public static GridImages Read(string path, int? tile = null, int? count = null, int padding = DefaultPadding)
    {
        if (tile is < 1) throw new ArgumentException($"The tile size must be at least 1, not {tile}.", nameof(tile));
        if (count is < 1) throw new ArgumentException($"The image count must be at least 1, not {count}.", nameof(count));
        var (rgb, width, height) = Decode(path);
        var layout = tile is int t ? LayoutForTile(rgb, width, height, padding, t, path) : InferLayout(rgb, width, height, padding, path);
        int cell = layout.Cell, scale = layout.Scale, side = cell / scale, cols = layout.Columns, rows = layout.Rows;

        bool grey = true;
        for (int p = 0; p < width * height && grey; p++)
            grey = rgb[3 * p] == rgb[3 * p + 1] && rgb[3 * p] == rgb[3 * p + 2];
        int channels = grey ? 1 : 3;

        int cells = cols * rows;
        int? recorded = RecordedCount(path);
        if (count is null && recorded > cells)
            throw new DataFormatException(path, $"records {recorded} images but has {cells} grid cells ({cols}x{rows} of {cell}x{cell} pixels): give the count of images to read (msd evaluate --count).");
        if (recorded is int held && held <= cells && count > held) throw new DataFormatException(path, $"holds {held} images (as it records), fewer than the {count} asked for.");
        int n = count ?? recorded ?? LastNonBlackCell(rgb, width, padding, layout) + 1;
        if (n > cells) throw new DataFormatException(path, $"holds {cells} grid cells ({cols}x{rows} of {cell}x{cell} pixels), fewer than the {n} images asked for.");
        if (n < 1) throw new DataFormatException(path, "every grid cell is black: the grid holds no images.");

        int imageSize = channels * side * side;
        var pixels = new byte[(long)n * imageSize];
        for (int i = 0; i < n; i++)
        {
            int left = padding + i % cols * (cell + padding), top = padding + i / cols * (cell + padding);
            for (int c = 0; c < channels; c++)
            for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
                pixels[(long)i * imageSize + (c * side + y) * side + x] = rgb[3 * ((top + y * scale) * width + left + x * scale) + c];
        }
        return new GridImages(new RawImages(pixels, n, channels, side, side), cols, rows, scale, padding) { CountRecorded = recorded is not null };
    }

    /// <summary>The count <see cref="SampleGrid.SavePng"/> records in the file, or null (another tool's grid, or an older one).</summary>
    private static int? RecordedCount(string path) =>
        int.TryParse(PngText.Find(path, SampleGrid.CountKeyword), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n >= 1
            ? n : null;

    private sealed record Layout(int Cell, int Scale, int Columns, int Rows);

    private static (byte[] Rgb, int Width, int Height) Decode(string path)
    {
        if (!System.IO.File.Exists(path)) throw new DataFormatException(path, "no such file.");
        using var codec = SKCodec.Create(path, out var result);
        if (codec is null) throw new DataFormatException(path, $"not a decodable PNG or JPEG image ({result}).");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        var status = codec.GetPixels(info, bitmap.GetPixels());
        if (status is not SKCodecResult.Success) throw new DataFormatException(path, $"image data is truncated or corrupt ({status}).");
        var rgba = bitmap.GetPixelSpan();
        var rgb = new byte[info.Width * info.Height * 3];
        for (int p = 0; p < info.Width * info.Height; p++)
        {
            rgb[3 * p] = rgba[4 * p];
            rgb[3 * p + 1] = rgba[4 * p + 1];
            rgb[3 * p + 2] = rgba[4 * p + 2];
        }
        return (rgb, info.Width, info.Height);
    }

    /// <summary>The layout for tiles of <paramref name="tile"/> image pixels: the smallest scale whose cells fit the size and leave black padding.</summary>
    private static Layout LayoutForTile(byte[] rgb, int width, int height, int padding, int tile, string path)
    {
        for (int scale = 1; tile * scale + 2 * padding <= Math.Min(width, height); scale++)
            if (Fits(width, height, padding, tile * scale) is (int cols, int rows) && PaddingIsBlack(rgb, width, height, padding, tile * scale))
                return new Layout(tile * scale, scale, cols, rows);
        throw new DataFormatException(path,
            $"is {width}x{height} pixels, which is no grid of {tile}x{tile} tiles at any scale with {padding}-pixel black padding (the layout msd sample writes).");
    }

    /// <summary>
    /// The smallest cell size whose padding lines are all black and whose columns and rows are a layout SampleGrid
    /// writes; then the largest scale that divides it and leaves every scale x scale block of every tile one colour.
    /// </summary>
    private static Layout InferLayout(byte[] rgb, int width, int height, int padding, string path)
    {
        for (int cell = 1; cell + 2 * padding <= Math.Min(width, height); cell++)
        {
            if (Fits(width, height, padding, cell) is not (int cols, int rows) || !SampleGridLayout(cols, rows)) continue;
            if (!PaddingIsBlack(rgb, width, height, padding, cell)) continue;
            for (int scale = cell; scale >= 1; scale--)
                if (cell % scale == 0 && BlocksAreUniform(rgb, width, padding, cell, scale, cols, rows))
                    return new Layout(cell, scale, cols, rows);
        }
        throw new DataFormatException(path,
            $"is {width}x{height} pixels with no {padding}-pixel black grid lines between square tiles (the layout msd sample writes); give --tile.");
    }

    private static (int Columns, int Rows)? Fits(int width, int height, int padding, int cell) =>
        (width - padding) % (cell + padding) == 0 && (height - padding) % (cell + padding) == 0
            ? ((width - padding) / (cell + padding), (height - padding) / (cell + padding))
            : null;

    /// <summary>Whether some count n gives SampleGrid's ceil(sqrt(n)) columns and ceil(n / columns) rows.</summary>
    private static bool SampleGridLayout(int cols, int rows)
    {
        for (int n = (rows - 1) * cols + 1; n <= rows * cols; n++)
            if ((int)Math.Ceiling(Math.Sqrt(n)) == cols) return true;
        return false;
    }

    private static bool PaddingIsBlack(byte[] rgb, int width, int height, int padding, int cell)
    {
        bool Black(int x, int y) => rgb[3 * (y * width + x)] == 0 && rgb[3 * (y * width + x) + 1] == 0 && rgb[3 * (y * width + x) + 2] == 0;
        bool OnLine(int v) => v % (cell + padding) < padding;
        for (int y = 0; y < height; y++)
        {
            bool rowLine = OnLine(y);
            for (int x = 0; x < width; x++)
                if ((rowLine || OnLine(x)) && !Black(x, y)) return false;
        }
        return true;
    }

    private static bool BlocksAreUniform(byte[] rgb, int width, int padding, int cell, int scale, int cols, int rows)
    {
        if (scale == 1) return true;
        for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++)
        {
            int left = padding + c * (cell + padding), top = padding + r * (cell + padding);
            for (int y = 0; y < cell; y++)
            for (int x = 0; x < cell; x++)
            {
                int at = 3 * ((top + y) * width + left + x), corner = 3 * ((top + y / scale * scale) * width + left + x / scale * scale);
                if (rgb[at] != rgb[corner] || rgb[at + 1] != rgb[corner + 1] || rgb[at + 2] != rgb[corner + 2]) return false;
            }
        }
        return true;
    }

    private static int LastNonBlackCell(byte[] rgb, int width, int padding, Layout layout)
    {
        for (int i = layout.Columns * layout.Rows - 1; i >= 0; i--)
        {
            int left = padding + i % layout.Columns * (layout.Cell + padding), top = padding + i / layout.Columns * (layout.Cell + padding);
            for (int y = 0; y < layout.Cell; y++)
            for (int x = 0; x < layout.Cell; x++)
            {
                int at = 3 * ((top + y) * width + left + x);
                if (rgb[at] != 0 || rgb[at + 1] != 0 || rgb[at + 2] != 0) return i;
            }
        }
        return -1;
    }
}
