using System.Text;

namespace DiffusionDsl.GeneratorBenchmark;

/// <summary>A large but valid .msd: many stages, full-form decoders, comments on every line.</summary>
internal static class LargeModel
{
    public static string Text(int stages)
    {
        var b = new StringBuilder();
        b.AppendLine("// generated for the generator benchmark").AppendLine("model Large {");
        b.AppendLine("  image 3x64x64  // channels x height x width");
        b.AppendLine("  diffusion edm(sigma_min = 0.002, sigma_max = 80, rho = 7) predicts edm");
        b.AppendLine("  stages {");
        for (int i = 0; i < stages; i++)
            b.AppendLine($"    stage_{i} [{(double)i / stages:R}, {(i == stages - 1 ? "1" : ((double)(i + 1) / stages).ToString("R"))}{(i == stages - 1 ? "]" : ")")}  # stage {i}");
        b.AppendLine("  }");
        b.AppendLine("  encoder ddpmpp {");
        b.AppendLine("    width 64");
        foreach (var (res, w) in new[] { (64, 64), (32, 128), (16, 256), (8, 256) })
            b.AppendLine($"    level {res} {{ width {w}  blocks 2{(res == 16 ? "  attention" : "")} }}");
        b.AppendLine("    dropout 0.1").AppendLine("  }");
        for (int i = 0; i < stages; i++)
        {
            int w = 32 * (stages - i);
            b.AppendLine($"  decoder stage_{i} {{");
            foreach (var (res, m) in new[] { (8, 4), (16, 4), (32, 2), (64, 1) })
                b.AppendLine($"    level {res} {{ width {w * m}  blocks 3{(res == 16 ? "  attention" : "")} }}  // level {res}");
            b.AppendLine("  }");
        }
        b.AppendLine("  train { batch 256; lr 2e-4; ema 0.9999; warmup 5000; stage_sampling proportional }");
        b.AppendLine("  sample { solver heun; steps 18 }").AppendLine("}");
        return b.ToString();
    }
}
