using DiffusionDsl.Language.Diagnostics;

namespace DiffusionDsl.Language.Tests;

/// <summary>The two-stage 1x8x8 model many language tests vary, and the check that a marked variant reports one diagnostic.</summary>
internal static class TinyModel
{
    /// <summary>The model; <paramref name="encoder"/> adds a line to the encoder, <paramref name="train"/> adds a train section.</summary>
    public static string With(string? encoder = null, string? train = null) => @"model Tiny {
  image 1x8x8
  diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps
  stages {
    a [0, 0.5)
    b [0.5, 1]
  }
  encoder ddpmpp {
    width 8
    mult [1, 2]
    blocks 1
" + (encoder is null ? "" : $"    {encoder}\n") + @"  }
  decoder a { width 8 }
  decoder b { width 4 }
" + (train is null ? "" : $"  train {{ batch 8; {train} }}\n") + @"}
";

    /// <summary>Compiles a marked source and requires exactly one diagnostic, with this id, at the marked span.</summary>
    public static MsdDiagnostic SingleDiagnostic(string marked, string id)
    {
        var source = MarkedSource.Parse(marked);
        var diagnostic = Assert.Single(MsdCompiler.CompileUnguarded(source.Text).Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(source.Expected, diagnostic.Span);
        return diagnostic;
    }
}
