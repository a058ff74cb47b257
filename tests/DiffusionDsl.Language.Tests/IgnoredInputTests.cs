using System.Linq;
using DiffusionDsl.Language.Diagnostics;

namespace DiffusionDsl.Language.Tests;

/// <summary>
/// Input that compiled without a word while nothing read it (a reviewer's findings), and errors that hid others or
/// added false ones. Each is now an error at the token that would have been ignored.
/// </summary>
public class IgnoredInputTests
{
    private static string Tiny => TinyModel.With();

    private static string WithLine(string line) => Tiny.Replace("  decoder b { width 4 }\n", $"  decoder b {{ width 4 }}\n{line}\n");

    [Theory]
    [InlineData("  train ⟦batch⟧ 64 lr 0.5", "'train' takes its settings inside { ... }, not on its line: train { batch 64  lr 2e-4 }")]
    [InlineData("  sample ⟦steps⟧ 7", "'sample' takes its settings inside { ... }, not on its line: sample { solver dpm_solver3  steps 20 }")]
    public void SettingsWrittenOnTheSectionsLineAreAnError(string line, string message)
    {
        var error = TinyModel.SingleDiagnostic(WithLine(line), DiagnosticIds.WrongValue);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void ASectionWithoutABodyIsAnError() =>
        TinyModel.SingleDiagnostic(WithLine("  ⟦train⟧"), DiagnosticIds.MissingSetting);

    [Theory]
    [InlineData("  train { batch 8; ⟦ema⟧ 0.999 { ema_warmup 100 } }")]
    [InlineData("  sample { ⟦steps⟧ 7 { solver ddim } }")]
    public void ABodyOnASettingThatTakesNoneIsAnError(string line)
    {
        var error = TinyModel.SingleDiagnostic(WithLine(line), DiagnosticIds.WrongValue);
        Assert.Contains("takes no { ... } body", error.Message);
    }

    [Fact]
    public void ABodyOnTheImageLineIsAnError() =>
        TinyModel.SingleDiagnostic(Tiny.Replace("  image 1x8x8\n", "  ⟦image⟧ 1x8x8 { channels 3 }\n"), DiagnosticIds.WrongValue);

    [Fact]
    public void AFullFormDecodersAttentionLineIsAnError()
    {
        var source = Tiny.Replace("  decoder b { width 4 }", "  decoder b {\n    ⟦attention⟧ at 4\n    level 4 { width 16 }\n    level 8 { width 8 }\n  }");
        var error = TinyModel.SingleDiagnostic(source, DiagnosticIds.IncompatibleSettings);
        Assert.StartsWith("'attention at R' goes with the compact form", error.Message);
    }

    [Fact]
    public void AttentionNoneTakesNoResolutions() =>
        TinyModel.SingleDiagnostic(Tiny.Replace("  decoder b { width 4 }", "  decoder b { width 4  attention none ⟦4⟧ }"), DiagnosticIds.WrongValue);

    [Fact]
    public void ARhoThatPutsTheEdmScheduleOutsideFloat64IsAnError()
    {
        var edm = Tiny.Replace("diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps", "diffusion edm(rho = ⟦0.001⟧) predicts edm");
        var error = TinyModel.SingleDiagnostic(edm, DiagnosticIds.ValueOutOfRange);
        Assert.StartsWith("rho 0.001 is too small for sigma in [0.002, 80]", error.Message);
        Assert.Empty(MsdCompiler.CompileUnguarded(edm.Replace("⟦0.001⟧", "0.5")).Diagnostics);
    }

    [Theory]
    [InlineData("stage_weights ⟦[1e39, 1]⟧")]
    [InlineData("stage_weights ⟦[1e-50, 1]⟧")]
    public void StageWeightsOutsideFloat32sUsefulRangeAreAnError(string train) =>
        TinyModel.SingleDiagnostic(TinyModel.With(train: train), DiagnosticIds.ValueOutOfRange);

    /// <summary>A misspelt schedule hid every stage error and added a false stage-weight count (it counted 0 stages).</summary>
    [Fact]
    public void AScheduleErrorNeitherHidesStageErrorsNorInventsAWeightCountError()
    {
        var source = TinyModel.With(train: "stage_weights [1, 2]")
            .Replace("diffusion vp(beta_min = 0.1, beta_max = 20)", "diffusion vpp")
            .Replace("    b [0.5, 1]\n", "    a [0.5, 1]\n");
        var ids = MsdCompiler.CompileUnguarded(source).Diagnostics.Select(d => d.Id).ToList();
        Assert.Contains(DiagnosticIds.UnknownOption, ids);
        Assert.Contains(DiagnosticIds.DuplicateStage, ids);
        Assert.DoesNotContain(DiagnosticIds.WrongValue, ids);
    }

    /// <summary>A full-form encoder level with an error of its own does not shift the resolutions the later levels are held to.</summary>
    [Fact]
    public void ABrokenEncoderLevelDoesNotMisplaceTheLaterOnes()
    {
        var source = Tiny.Replace("    mult [1, 2]\n    blocks 1\n", "    level 8 { ⟦widht⟧ 8  blocks 1 }\n    level 4 { width 16  blocks 1 }\n");
        TinyModel.SingleDiagnostic(source, DiagnosticIds.UnknownKeyword);
    }
}
