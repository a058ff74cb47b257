using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using DiffusionDsl.Runtime.Training.Augmentation;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Support;

/// <summary>
/// One case of tests/Fixtures/Augmentation/edm-augment.json: EDM's reference AugmentPipe run on
/// <see cref="Image"/> with fixed transform parameters (written by scripts/edm-augment-fixture.py).
/// </summary>
internal sealed record AugmentFixture(string Name, long[] Shape, double P, Dictionary<string, float[]> Params, float[] Output, float[] Labels)
{
    public static IReadOnlyList<AugmentFixture> All { get; } = Load();

    public static AugmentFixture Named(string name) => All.Single(c => c.Name == name);

    private static IReadOnlyList<AugmentFixture> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Augmentation", "edm-augment.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("cases").EnumerateArray().Select(c => new AugmentFixture(
            c.GetProperty("name").GetString()!,
            c.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray(),
            c.GetProperty("p").GetDouble(),
            c.GetProperty("params").EnumerateObject().ToDictionary(p => p.Name, p => Floats(p.Value)),
            Floats(c.GetProperty("output")),
            Floats(c.GetProperty("labels")))).ToList();
    }

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    /// <summary>The script's test image: sin(0.37 x + 0.61 y^2 / H + 1.3 c + 2.9 n) + 0.05 x - 0.03 y, as float32.</summary>
    public static Tensor Image(long n, long c, long h, long w)
    {
        var values = new float[n * c * h * w];
        int i = 0;
        for (long b = 0; b < n; b++)
        for (long k = 0; k < c; k++)
        for (long y = 0; y < h; y++)
        for (long x = 0; x < w; x++)
            values[i++] = (float)(Math.Sin(0.37 * x + 0.61 * y * y / h + 1.3 * k + 2.9 * b) + 0.05 * x - 0.03 * y);
        return tensor(values).view(n, c, h, w);
    }

    public Tensor Input() => Image(Shape[0], Shape[1], Shape[2], Shape[3]);

    public Tensor ExpectedImages() => tensor(Output).view(Shape);

    public Tensor ExpectedLabels() => tensor(Labels).view(Shape[0], -1);

    public AugmentParameters Parameters()
    {
        Tensor P(string key) => tensor(Params[key]);
        return new AugmentParameters(P("xflip"), P("yflip"), P("scale"), P("rotate"), P("aniso"), P("aniso_angle"), P("translate_x"), P("translate_y"));
    }
}
