using DiffusionDsl.Language.Diagnostics;

namespace DiffusionDsl.Language.Tests;

/// <summary>A discrete schedule trains on its steps: a stage between two of them is an error at its line, not a decoder that never trains.</summary>
public class DiscreteStageTests
{
    private static string Model(string diffusion, string stages) => $@"model Tiny {{
  image 1x8x8
  diffusion {diffusion}
  stages {{
{stages}
  }}
  encoder ddpmpp {{ width 8  mult [1, 2]  blocks 1 }}
  decoder a {{ width 8 }}
  decoder b {{ width 8 }}
  decoder c {{ width 8 }}
}}
";

    [Fact]
    public void AStageBetweenTwoStepsIsAnErrorAtItsLine()
    {
        var source = Model("ddpm(steps = 10)", "    a [0, 0.5)\n    b [0.5, 0.55)\n    c [0.55, 1]");
        var error = Assert.Single(MsdCompiler.CompileUnguarded(source).Diagnostics);
        Assert.Equal(DiagnosticIds.BoundariesNotIncreasing, error.Id);
        Assert.Contains("Stage 'b' holds none of the schedule's 10 steps (t = n / 9)", error.Message);
        Assert.StartsWith("[0.5, 0.55)", source[error.Span.Start..]); // the stage's bounds, as for its other errors
    }

    [Fact]
    public void TheLdmStagesEachHoldTheirStepsAndAContinuousScheduleNeedsNone()
    {
        Assert.Empty(MsdCompiler.CompileUnguarded(Model("scaled_linear(beta_start = 0.0015, beta_end = 0.0195, steps = 1000)",
            "    a [0, 0.44244244244244246)\n    b [0.44244244244244246, 0.6316316316316316)\n    c [0.6316316316316316, 1]")).Diagnostics);
        Assert.Empty(MsdCompiler.CompileUnguarded(Model("vp(beta_min = 0.1, beta_max = 20) predicts eps", "    a [0, 0.5)\n    b [0.5, 0.55)\n    c [0.55, 1]")).Diagnostics);
    }
}
