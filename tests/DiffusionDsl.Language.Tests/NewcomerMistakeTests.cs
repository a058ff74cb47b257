using System.Linq;
using DiffusionDsl.Language.Diagnostics;

namespace DiffusionDsl.Language.Tests;

/// <summary>
/// What a newcomer writes (a reviewer's list): hyphenated names, other tools' setting names, brackets that say another
/// interval than the one read, and settings the chosen solver never reads. Each gets a message that says what to write.
/// </summary>
public class NewcomerMistakeTests
{
    private static string Tiny => TinyModel.With();

    [Theory]
    [InlineData("    a [0, 0.5)\n", "    ⟦near-data⟧ [0, 0.5)\n", "'near-data' is not a name: names join their words with '_', not '-' (write near_data)")]
    [InlineData("model Tiny {", "model ⟦my-tiny-model⟧ {", "'my-tiny-model' is not a name: names join their words with '_', not '-' (write my_tiny_model)")]
    public void AHyphenatedNameIsNamedWhole(string find, string replace, string message)
    {
        var error = TinyModel.SingleDiagnostic(Tiny.Replace(find, replace).Replace("decoder a {", find.Contains("a [") ? "decoder near_data {" : "decoder a {"), DiagnosticIds.SyntaxError);
        Assert.Equal("Syntax error: " + message, error.Message);
    }

    /// <summary>A minus sign before a number is not a hyphen: edm's p_mean is negative.</summary>
    [Fact]
    public void AMinusSignBeforeANumberStillParses()
    {
        var edm = Tiny.Replace("diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps", "diffusion edm(p_mean = -1.2) predicts edm");
        var compilation = MsdCompiler.CompileUnguarded(edm);
        Assert.Empty(compilation.Diagnostics);
        Assert.Equal(-1.2, compilation.Model!.Schedule.PMean);
    }

    [Theory]
    [InlineData("⟦learning_rate⟧ 1e-3", "did you mean 'lr'?")]
    [InlineData("⟦batch_size⟧ 16", "did you mean 'batch'?")]
    [InlineData("⟦epochs⟧ 10", "did you mean 'steps'?")]
    [InlineData("⟦random_flip⟧ true", "did you mean 'flip'?")]
    public void OtherToolsNamesForATrainSettingAreSuggested(string train, string hint)
    {
        var error = TinyModel.SingleDiagnostic(TinyModel.With(train: train), DiagnosticIds.UnknownKeyword);
        Assert.EndsWith(hint, error.Message);
    }

    [Fact]
    public void EpsilonSuggestsEps()
    {
        var error = TinyModel.SingleDiagnostic(Tiny.Replace("predicts eps", "predicts ⟦epsilon⟧"), DiagnosticIds.UnknownOption);
        Assert.EndsWith("did you mean 'eps'?", error.Message);
    }

    [Theory]
    [InlineData("    a ⟦(0, 0.5]⟧\n    b [0.5, 1]\n", "Stage 'a' is written '(0, 0.5]', but stages are [start, end) and the last one [start, end]: it is read as '[0, 0.5)'; write it so")]
    [InlineData("    a [0, 0.5)\n    b ⟦[0.5, 1)⟧\n", "Stage 'b' is written '[0.5, 1)', but stages are [start, end) and the last one [start, end]: it is read as '[0.5, 1]'; write it so")]
    public void BracketsThatSayAnotherIntervalAreAWarning(string stages, string message)
    {
        var warning = TinyModel.SingleDiagnostic(Tiny.Replace("    a [0, 0.5)\n    b [0.5, 1]\n", stages), DiagnosticIds.StageBracketsMisread);
        Assert.False(warning.IsError);
        Assert.Equal(message, warning.Message);
    }

    /// <summary>heun's churn (EDM's S_churn, S_min, S_max, S_noise) is read by heun only, and its details by a churn above 0 only.</summary>
    [Theory]
    [InlineData("solver dpm_solver3; ⟦churn⟧ 40", "'churn' sets the heun solver's added noise (EDM's S_churn); solver dpm_solver3 does not use it (remove it, or write solver heun)")]
    [InlineData("solver heun; ⟦churn_noise⟧ 1.003", "'churn_noise' shapes heun's churn, and there is none: write 'churn' with a value above 0 (EDM's ImageNet runs use 40 to 80), or remove it")]
    [InlineData("solver heun; churn 0; ⟦churn_max⟧ 50", "'churn_max' shapes heun's churn, and there is none: write 'churn' with a value above 0 (EDM's ImageNet runs use 40 to 80), or remove it")]
    [InlineData("solver ddim; ⟦churn_min⟧ 0.05", "'churn_min' shapes the heun solver's churn; solver ddim does not use it (remove it, or write solver heun)")]
    public void ChurnThatNothingReadsIsAWarning(string sample, string message)
    {
        var warning = TinyModel.SingleDiagnostic(Tiny.Replace("  decoder b { width 4 }\n", $"  decoder b {{ width 4 }}\n  sample {{ {sample} }}\n"), DiagnosticIds.SettingUnused);
        Assert.Equal(message, warning.Message);
        Assert.Empty(MsdCompiler.CompileUnguarded(Tiny.Replace("  decoder b { width 4 }\n",
            "  decoder b { width 4 }\n  sample { solver heun; churn 40; churn_min 0.05; churn_max 50; churn_noise 1.003 }\n")).Diagnostics);
    }

    [Theory]
    [InlineData("solver heun; churn ⟦-1⟧", DiagnosticIds.ValueOutOfRange, "churn must be at least 0 (0: deterministic heun), not -1")]
    [InlineData("solver heun; churn 40; churn_noise ⟦3⟧", DiagnosticIds.ValueOutOfRange, "churn_noise (the scale of heun's added noise) must be in (0, 2], not 3")]
    [InlineData("solver heun; churn 40; churn_min ⟦50⟧; churn_max 5", DiagnosticIds.IncompatibleSettings, "'churn_min' 50 must be below 'churn_max' 5: heun churns at the sigmas between them")]
    // A churn in error is not also "no churn" to its details' warnings.
    [InlineData("solver heun; churn ⟦-2⟧; churn_noise 1.003", DiagnosticIds.ValueOutOfRange, "churn must be at least 0 (0: deterministic heun), not -2")]
    public void ChurnOutOfItsRangeIsAnError(string sample, string id, string message)
    {
        var error = TinyModel.SingleDiagnostic(Tiny.Replace("  decoder b { width 4 }\n", $"  decoder b {{ width 4 }}\n  sample {{ {sample} }}\n"), id);
        Assert.True(error.IsError);
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("solver dpm_solver3; ⟦eta⟧ 0.5", "'eta' sets the ddim solver's noise; solver dpm_solver3 does not use it (remove it, or write solver ddim)")]
    [InlineData("solver ddpm; ⟦eta⟧ 1", "'eta' sets the ddim solver's noise; solver ddpm does not use it (remove it, or write solver ddim)")]
    public void EtaWithASolverOtherThanDdimIsAWarning(string sample, string message)
    {
        var warning = TinyModel.SingleDiagnostic(Tiny.Replace("  decoder b { width 4 }\n", $"  decoder b {{ width 4 }}\n  sample {{ {sample} }}\n"), DiagnosticIds.SettingUnused);
        Assert.Equal(message, warning.Message);
        Assert.Empty(MsdCompiler.CompileUnguarded(Tiny.Replace("  decoder b { width 4 }\n", "  decoder b { width 4 }\n  sample { solver ddim; eta 0.5 }\n")).Diagnostics);
    }

    /// <summary>A project named my-diffusion has the RootNamespace my-diffusion (MSBuild only replaces spaces): its models
    /// go to my_diffusion, as Visual Studio names the project's own namespace, not to the global namespace.</summary>
    [Theory]
    [InlineData("my-diffusion", "my_diffusion")]
    [InlineData("Lab.3d-models", "Lab._3d_models")]
    [InlineData("Company.Product", "Company.Product")]
    [InlineData("class", null)]
    public void TheRootNamespaceBecomesACSharpNamespace(string rootNamespace, string? expected) =>
        Assert.Equal(expected, MsdCompiler.CompileUnguarded(Tiny, rootNamespace).Model!.Namespace);

    /// <summary>With a solver that does not read, the solver meant is unknown: no eta warning naming the default solver.</summary>
    [Fact]
    public void EtaBesideAMisspeltSolverIsNotWarnedOf()
    {
        TinyModel.SingleDiagnostic(Tiny.Replace("  decoder b { width 4 }\n", "  decoder b { width 4 }\n  sample { solver ⟦dim⟧; eta 0.5 }\n"), DiagnosticIds.UnknownOption);
        // ...while an error elsewhere in the section leaves a solver that reads, and the warning with it.
        var both = MsdCompiler.CompileUnguarded(Tiny.Replace("  decoder b { width 4 }\n", "  decoder b { width 4 }\n  sample { solver euler; steps 0; eta 0.5 }\n"));
        Assert.Contains(both.Diagnostics, d => d.Id == DiagnosticIds.SettingUnused);
    }

    [Fact]
    public void ABraceOnTheLineAfterItsStatementSaysWhereItGoes()
    {
        var error = TinyModel.SingleDiagnostic(Tiny.Replace("model Tiny {", "model Tiny\n⟦{⟧"), DiagnosticIds.SyntaxError);
        Assert.EndsWith("(a '{' opens the block of the statement before it and goes on that statement's line: model Name {)", error.Message);
    }

    [Fact]
    public void ANumberWithoutItsLeadingZeroSaysHowToWriteIt()
    {
        var error = MsdCompiler.CompileUnguarded(Tiny.Replace("    a [0, 0.5)\n    b [0.5, 1]", "    a [0, .5)\n    b [0.5, 1]")).Diagnostics[0];
        Assert.EndsWith("(a number starts with a digit: put a 0 before the '.')", error.Message);
    }

    [Fact]
    public void ANumberTooSmallForADoubleIsShownAsWritten()
    {
        var error = TinyModel.SingleDiagnostic(TinyModel.With(train: "lr ⟦1e-400⟧"), DiagnosticIds.ValueOutOfRange);
        Assert.EndsWith("not 1e-400 (below the smallest double, so 0)", error.Message);
    }
}
