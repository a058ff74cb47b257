using System;
using System.Collections.Generic;
using System.IO;
using SkiaSharp;

namespace DiffusionDsl.Runtime.Clustering;

/// <summary>The similarity matrix as a PNG: one square per grid pair (t = 0 at the top left), 0 dark to 1 bright, white lines at stage starts.</summary>
public static class SimilarityHeatmap
{
    private static readonly (double At, byte R, byte G, byte B)[] Palette =
    {
        (0.0, 68, 1, 84), (0.25, 59, 82, 139), (0.5, 33, 145, 140), (0.75, 94, 201, 98), (1.0, 253, 231, 37),
    };

    public static void WritePng(string path, double[,] similarity, IReadOnlyList<int>? stageStarts = null, int cellPixels = 16)
    {
        int n = similarity.GetLength(0), size = n * cellPixels;
        using var bitmap = new SKBitmap(size, size, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using (var canvas = new SKCanvas(bitmap))
        {
            using var fill = new SKPaint();
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    fill.Color = ColorOf(similarity[i, j]);
                    canvas.DrawRect(j * cellPixels, i * cellPixels, cellPixels, cellPixels, fill);
                }
            using var line = new SKPaint { Color = SKColors.White, StrokeWidth = 2, IsAntialias = false };
            foreach (var start in stageStarts ?? Array.Empty<int>())
            {
                if (start <= 0) continue;
                float at = start * cellPixels;
                canvas.DrawLine(at, 0, at, size, line);
                canvas.DrawLine(0, at, size, at, line);
            }
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        File.WriteAllBytes(path, data.ToArray());
    }

    private static SKColor ColorOf(double value)
    {
        double v = double.IsNaN(value) ? 0 : Math.Clamp(value, 0, 1);
        for (int k = 1; k < Palette.Length; k++)
        {
            if (v > Palette[k].At) continue;
            var (a, b) = (Palette[k - 1], Palette[k]);
            double f = (v - a.At) / (b.At - a.At);
            return new SKColor(Mix(a.R, b.R, f), Mix(a.G, b.G, f), Mix(a.B, b.B, f));
        }
        return new SKColor(Palette[^1].R, Palette[^1].G, Palette[^1].B);
    }

    private static byte Mix(byte a, byte b, double f) => (byte)Math.Round(a + (b - a) * f);
}
