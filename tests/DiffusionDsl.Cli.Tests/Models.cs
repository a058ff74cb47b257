using System.IO;

namespace DiffusionDsl.Cli.Tests;

internal static class Models
{
    public static string Tiny => Path.Combine(System.AppContext.BaseDirectory, "Models", "TinyMultistage.msd");

    public const string Broken = "model Broken {\n  image 1x8x8\n  diffusion vp predicts epz\n}\n";
}
