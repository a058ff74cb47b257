using System;
using System.Globalization;
using System.Linq;
using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Language.Semantics;
using DiffusionDsl.Language.Syntax;
using DiffusionDsl.Runtime;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Training;

namespace DiffusionDsl.Language.Tests;

/// <summary>
/// Models the checker used to accept although they could not build or run (issue 11's fuzzing findings), and the
/// checker's messages: each class is rejected at its root, with a diagnostic at the right place.
/// </summary>
public class CheckerFindingsTests
{
    private static readonly string Valid = TinyModel.With();

    private static EquatableArray<MsdDiagnostic> Compile(string text) => MsdCompiler.CompileUnguarded(text).Diagnostics;

    private static void AssertReported(string marked, string id, string? contains = null)
    {
        var source = MarkedSource.Parse(marked);
        var diagnostics = Compile(source.Text);
        Assert.True(diagnostics.Any(d => d.Id == id && d.Span == source.Expected && (contains is null || d.Message.Contains(contains))),
            $"expected {id} at {source.Expected}{(contains is null ? "" : $" saying '{contains}'")}; got:\n" + string.Join("\n", diagnostics.Select(d => $"{d.Id} {d.Span} {d.Message}")));
    }

    [Fact]
    public void TheBaseModelIsValid() => Assert.Empty(Compile(Valid));

    /// <summary>
    /// Decoder width 10 (compact: 20 at 4x4, 10 at 8x8): every level width divides by its groups (min(32, C/4): 5 and 2),
    /// but the 8x8 level's last block takes 10 + the stem's 8-channel skip = 18 channels, and 18 does not divide into
    /// 4 groups: PyTorch's GroupNorm would throw in the first forward pass.
    /// </summary>
    [Fact]
    public void TheNormOverADecoderBlocksSkipConcatenationIsChecked() =>
        AssertReported(Valid.Replace("decoder b { width 4 }", "decoder b { width ⟦10⟧ }"), DiagnosticIds.WidthNotDivisibleByGroups,
            "18 channels (10 from the level below + 8 from the encoder's skip)");

    [Fact]
    public void AFullFormDecoderLevelIsBlamedForItsConcatenation() =>
        AssertReported(Valid.Replace("decoder b { width 4 }", "decoder b {\n    level 4 { width 20 }\n    ⟦level 8 { width 10 }⟧\n  }"),
            DiagnosticIds.WidthNotDivisibleByGroups, "from the encoder's skip");

    /// <summary>An even stem width past the largest once gave no model and no diagnostic (the embedding's default width had none).</summary>
    [Theory]
    [InlineData("70000")]
    [InlineData("1073741824")]
    public void AStemWidthPastTheLargestIsReportedAtTheWidth(string width) =>
        AssertReported(Valid.Replace("    width 8\n", $"    width ⟦{width}⟧\n"), DiagnosticIds.ValueOutOfRange, $"The width of the stem ({width}) is beyond 65536");

    /// <summary>A reversed stage is the one error: it has no end to continue from, so the stage after it is not told to move.</summary>
    [Fact]
    public void AReversedStageIsReportedAloneNotItsNeighbour()
    {
        var text = "model M {\n  image 1x8x8\n  diffusion vp predicts eps\n  stages {\n    a [0, 0.45)\n    b ⟦[0.45, 0.2)⟧\n    c [0.85, 1]\n  }\n" +
                   "  encoder ddpmpp { width 8  mult [1, 2]  blocks 1 }\n  decoder a { width 8 }\n  decoder b { width 8 }\n  decoder c { width 8 }\n}\n";
        var diagnostic = TinyModel.SingleDiagnostic(text, DiagnosticIds.BoundariesNotIncreasing);
        Assert.Contains("Stage 'b' must end after it starts: 0.45 is not below 0.2", diagnostic.Message);
    }

    /// <summary>A misspelt decoder setting is reported with a stage error, not only once the stages are fixed.</summary>
    [Fact]
    public void ADecoderTypoIsReportedBesideAStageError()
    {
        var text = Valid.Replace("    a [0, 0.5)", "    a [0.7, 0.5)").Replace("decoder a { width 8 }", "decoder a { widht 8 }");
        var ids = Compile(text).Select(d => d.Id).ToList();
        Assert.Contains(DiagnosticIds.BoundariesNotIncreasing, ids);
        Assert.Contains(DiagnosticIds.UnknownKeyword, ids);
    }

    [Fact]
    public void ADecoderWidthPastTheLargestNamesTheProductAsComputed() =>
        AssertReported(Valid.Replace("decoder a { width 8 }", "decoder a { width ⟦2000000000⟧ }"), DiagnosticIds.ValueOutOfRange,
            "Width 2000000000 times the encoder's multiplier 2 at 4x4 is 4000000000, beyond the largest width, 65536");

    /// <summary>A whole number past what a count holds is out of range (the limit named), not "not a whole number".</summary>
    [Theory]
    [InlineData("steps ⟦99999999999⟧", "steps must be at most 2147483647, not '99999999999'")]
    [InlineData("warmup ⟦5000000000⟧", "warmup must be at most 2147483647, not '5000000000'")]
    public void AWholeNumberPastTheLargestIsOutOfRange(string setting, string message)
    {
        var diagnostic = TinyModel.SingleDiagnostic(TinyModel.With(train: setting), DiagnosticIds.ValueOutOfRange);
        Assert.Equal(message, diagnostic.Message);
    }

    [Fact]
    public void AFractionIsStillNotAWholeNumber() =>
        Assert.Equal("steps must be a whole number, not '2.5'", TinyModel.SingleDiagnostic(TinyModel.With(train: "steps ⟦2.5⟧"), DiagnosticIds.WrongValue).Message);

    [Fact]
    public void AnOddStemWidthIsRejectedWithoutAnEmbeddingLine() =>
        AssertReported(Valid.Replace("    width 8\n", "    width ⟦7⟧\n").Replace("mult [1, 2]", "mult [4, 8]")
            .Replace("{ width 8 }", "{ width 28 }").Replace("{ width 4 }", "{ width 28 }"), DiagnosticIds.WrongValue, "even");

    [Theory]
    [InlineData("[2147483647]")]     // 8 x 2147483647 wrapped to -8
    [InlineData("[1, 536870912]")]   // 8 x 2^29 wrapped to 0
    [InlineData("[1, 536870913]")]   // wrapped to 8: a valid-looking width
    [InlineData("[1, 8193]")]        // 65544: no wrap, over the limit
    public void AWidthTimesItsMultiplierIsCheckedNotWrapped(string mult)
    {
        var text = Valid.Replace("mult [1, 2]", $"mult {mult}");
        var multiplier = mult.Trim('[', ']').Split(", ").Last();
        var marked = text.Replace(multiplier + "]", "⟦" + multiplier + "⟧]");
        AssertReported(marked, DiagnosticIds.ValueOutOfRange, "beyond the largest width");
    }

    [Fact]
    public void TooManyLevelsAreReportedWithoutAShiftOverflow()
    {
        var mult = "[" + string.Join(", ", Enumerable.Repeat("1", 40)) + "]";
        var diagnostics = Compile(Valid.Replace("mult [1, 2]", $"mult {mult}"));
        Assert.Contains(diagnostics, d => d.Id == DiagnosticIds.ImageNotDivisible && d.Message.Contains("40 levels are more than 12"));
    }

    /// <summary>
    /// With vp(beta_max = 900), sigma_max is about 1e97: an absolute tolerance of 1e-9 x sigma_max let a gap from
    /// sigma 1 to 1e40 pass. The tolerance is relative to each boundary.
    /// </summary>
    [Fact]
    public void SigmaStagesMustMeetWithinARelativeTolerance()
    {
        var schedule = new ScheduleSpec(ScheduleKind.Vp, BetaMin: 0.1, BetaMax: 900);
        string top = schedule.Sigma(1).ToString("R", CultureInfo.InvariantCulture);
        var text = Valid.Replace("beta_max = 20", "beta_max = 900").Replace("  stages {", "  stages in sigma {")
            .Replace("    a [0, 0.5)\n    b [0.5, 1]\n", $"    a [0, 1)\n    b [⟦1e40⟧, {top}]\n");
        AssertReported(text, DiagnosticIds.StagesNotContiguous, "leaves a gap");
        Assert.Empty(Compile(MarkedSource.Parse(text.Replace("1e40", "1")).Text));
    }

    /// <summary>
    /// A misspelt `decoder`, a decoder's misspelt stage name (or one in other letter case) and a misspelt `model` are one
    /// error each: not also "stage 'b' has no decoder; add: decoder b" beside the decoder already written for it, nor "an
    /// .msd file declares one model".
    /// </summary>
    [Theory]
    [InlineData("  decoder b { width 4 }", "  ⟦decodr⟧ b { width 4 }", DiagnosticIds.UnknownKeyword)]
    [InlineData("  decoder b { width 4 }", "  decoder ⟦bb⟧ { width 4 }", DiagnosticIds.DecoderForUnknownStage)]
    [InlineData("  decoder b { width 4 }", "  decoder ⟦B⟧ { width 4 }", DiagnosticIds.DecoderForUnknownStage)]
    [InlineData("model Tiny {", "⟦modle⟧ Tiny {", DiagnosticIds.UnknownKeyword)]
    public void AMisspeltDecoderOrModelIsOneError(string valid, string misspelt, string id)
    {
        Assert.Contains(valid, Valid);
        TinyModel.SingleDiagnostic(Valid.Replace(valid, misspelt), id);
    }

    /// <summary>A misspelt `decodr b` stands for stage b's decoder only: a stage with no decoder written at all is still named.</summary>
    [Fact]
    public void AMisspeltDecoderHidesOnlyItsOwnStagesMissingDecoder()
    {
        var diagnostics = Compile(Valid.Replace("  decoder a { width 8 }\n", "").Replace("  decoder b { width 4 }", "  decodr b { width 4 }"));
        Assert.Equal(new[] { DiagnosticIds.UnknownKeyword, DiagnosticIds.StageWithoutDecoder }, diagnostics.Select(d => d.Id).OrderBy(id => id).ToArray());
        Assert.Contains("Stage 'a' has no decoder", diagnostics.Single(d => d.Id == DiagnosticIds.StageWithoutDecoder).Message);
    }

    /// <summary>An empty model names every section it is missing, each an error at the model keyword (not only the first).</summary>
    [Fact]
    public void AnEmptyModelNamesEveryMissingSection()
    {
        var missing = Compile("model M {\n}\n").Where(d => d.Id == DiagnosticIds.MissingSetting).Select(d => d.Message).ToList();
        foreach (var section in new[] { "'image'", "'diffusion'", "'stages'", "'encoder'" })
            Assert.Contains(missing, m => m.Contains($"The model is missing {section}"));
    }

    /// <summary>The first start and the last end outside the range are one error each, the one that says what to write there.</summary>
    [Theory]
    [InlineData("a [0, 0.5)", "a [⟦-0.1⟧, 0.5)", "The first stage must start at 0 (t)")]
    [InlineData("b [0.5, 1]", "b [0.5, ⟦1.2⟧]", "The last stage must end at 1 (t)")]
    public void AnEdgeOutsideTheRangeIsOneError(string valid, string wrong, string message) =>
        Assert.Contains(message, TinyModel.SingleDiagnostic(Valid.Replace(valid, wrong), DiagnosticIds.StagesDoNotCover).Message);

    /// <summary>
    /// A mistake in the stages' unit is one error: the boundaries cannot be judged in an unknown unit, or in sigma under a
    /// schedule without one, and were judged as t, one more error per boundary.
    /// </summary>
    [Theory]
    [InlineData("vp(beta_min = 0.1, beta_max = 20)", "in ⟦sigmas⟧", DiagnosticIds.UnknownOption)]
    [InlineData("ddpm", "in ⟦sigma⟧", DiagnosticIds.SigmaUnitUnsupported)]
    [InlineData("vp(beta_min = 0.1, beta_max = 20)", "⟦at⟧ sigma", DiagnosticIds.UnknownOption)]
    public void AMistakeInTheStageUnitIsOneError(string schedule, string unit, string id)
    {
        var text = Valid.Replace("vp(beta_min = 0.1, beta_max = 20)", schedule).Replace("  stages {", $"  stages {unit} {{")
            .Replace("    a [0, 0.5)\n    b [0.5, 1]\n", "    a [0.01, 2.5)\n    b [2.5, 150]\n");
        TinyModel.SingleDiagnostic(text, id);
    }

    /// <summary>A keyword written where a value goes is that value, and wrong once: not a setting without a value, then a repeated one.</summary>
    [Theory]
    [InlineData("solver dpm_solver3", "solver ⟦steps⟧", DiagnosticIds.UnknownOption)]
    [InlineData("stage_sampling mixed", "stage_sampling ⟦lr⟧", DiagnosticIds.UnknownOption)]
    [InlineData("blocks 1", "blocks ⟦width⟧", DiagnosticIds.WrongValue)]
    public void AKeywordWrittenAsAValueIsOneError(string valid, string marked, string id)
    {
        var text = Valid.Replace("  decoder b { width 4 }\n", "  decoder b { width 4 }\n  train { batch 8; stage_sampling mixed }\n  sample { solver dpm_solver3; steps 12 }\n");
        Assert.Empty(Compile(text));
        Assert.Contains(valid, text);
        TinyModel.SingleDiagnostic(text.Replace(valid, marked), id);
    }

    /// <summary>
    /// A keyword followed by a value of its own starts its setting even where a value was expected: `solver steps 12`
    /// is a solver that lost its name and a valid `steps 12` (one error), not an unknown solver `steps` and a stray 12.
    /// </summary>
    [Theory]
    [InlineData("sample { solver dpm_solver3; steps 12 }", "sample { ⟦solver⟧ steps 12 }")]
    [InlineData("train { batch 8; stage_sampling mixed }", "train { ⟦batch⟧ stage_sampling mixed }")]
    public void ASettingThatLostItsValueBeforeTheNextOnItsLineIsOneError(string valid, string marked)
    {
        var text = Valid.Replace("  decoder b { width 4 }\n", "  decoder b { width 4 }\n  train { batch 8; stage_sampling mixed }\n  sample { solver dpm_solver3; steps 12 }\n");
        Assert.Contains(valid, text);
        TinyModel.SingleDiagnostic(text.Replace(valid, marked), DiagnosticIds.WrongValue);
    }

    /// <summary>EDM's EMA half-life and a fixed decay are two ways to set one average; clip 0 is EDM's no clipping.</summary>
    [Fact]
    public void EdmsEmaHalfLifeReplacesTheFixedDecayAndClipZeroClipsNothing()
    {
        var train = TinyModel.With(train: "ema_halflife_kimg 500; clip 0; warmup 100");
        var model = MsdCompiler.CompileUnguarded(train);
        Assert.Empty(model.Diagnostics);
        Assert.Equal(500, model.Model!.Train.EmaHalfLifeKimg);
        Assert.Equal(0.05, model.Model.Train.EmaRampUp);
        Assert.Equal(0, model.Model.Train.GradClip);

        TinyModel.SingleDiagnostic(TinyModel.With(train: "ema_halflife_kimg 500; ⟦ema⟧ 0.999"), DiagnosticIds.IncompatibleSettings);
        TinyModel.SingleDiagnostic(TinyModel.With(train: "ema_halflife_kimg 500; ⟦ema_warmup⟧ 10"), DiagnosticIds.IncompatibleSettings);
        TinyModel.SingleDiagnostic(TinyModel.With(train: "⟦ema_rampup⟧ 0.1"), DiagnosticIds.IncompatibleSettings);
        TinyModel.SingleDiagnostic(TinyModel.With(train: "ema_halflife_kimg ⟦0⟧"), DiagnosticIds.ValueOutOfRange);
    }

    /// <summary>EDM's learning-rate ramp counts images (warmup_kimg), the plain warm-up steps: one of them.</summary>
    [Fact]
    public void TheWarmupCountsStepsOrThousandsOfImages()
    {
        var model = MsdCompiler.CompileUnguarded(TinyModel.With(train: "warmup_kimg 10000; steps 1250000"));
        Assert.Empty(model.Diagnostics);
        Assert.Equal(10000, model.Model!.Train.WarmupKimg);
        Assert.Null(MsdCompiler.CompileUnguarded(TinyModel.With(train: "warmup 50")).Model!.Train.WarmupKimg);
        Assert.Equal(0, MsdCompiler.CompileUnguarded(TinyModel.With(train: "warmup_kimg 0")).Model!.Train.WarmupKimg);

        TinyModel.SingleDiagnostic(TinyModel.With(train: "⟦warmup⟧ 50; warmup_kimg 10"), DiagnosticIds.IncompatibleSettings);
        TinyModel.SingleDiagnostic(TinyModel.With(train: "warmup_kimg ⟦-1⟧"), DiagnosticIds.ValueOutOfRange);
    }

    /// <summary>
    /// `accumulate` and `stage_groups` split the batch into equal parts: a part count that does not divide the batch is
    /// an error at it (the trainer would refuse it at run time); groups draw one stage each, which `mixed` does per sample.
    /// </summary>
    [Fact]
    public void BatchSplitsMustDivideTheBatch()
    {
        var model = MsdCompiler.CompileUnguarded(TinyModel.With(train: "stage_groups 4; accumulate 2"));
        Assert.Empty(model.Diagnostics);
        Assert.Equal(4, model.Model!.Train.StageGroups);
        Assert.Equal(1, MsdCompiler.CompileUnguarded(TinyModel.With(train: "lr 1e-3")).Model!.Train.StageGroups);

        var accumulate = TinyModel.SingleDiagnostic(TinyModel.With(train: "accumulate ⟦3⟧"), DiagnosticIds.IncompatibleSettings);
        Assert.Equal("'accumulate' 3 must divide the batch, 8: the batch is split into 3 equal micro-batches", accumulate.Message);
        TinyModel.SingleDiagnostic(TinyModel.With(train: "stage_groups ⟦3⟧"), DiagnosticIds.IncompatibleSettings);
        var byDefault = TinyModel.SingleDiagnostic(TinyModel.With(train: "stage_groups 5").Replace("batch 8; stage_groups 5", "stage_groups ⟦5⟧"), DiagnosticIds.IncompatibleSettings);
        Assert.Contains("the batch, 64 (the default)", byDefault.Message);
        TinyModel.SingleDiagnostic(TinyModel.With(train: "stage_sampling mixed; ⟦stage_groups⟧ 2"), DiagnosticIds.IncompatibleSettings);
        // A batch that is an error itself is the one error: no split is checked against a size never written.
        TinyModel.SingleDiagnostic(TinyModel.With(train: "accumulate 3").Replace("batch 8;", "batch ⟦0⟧;"), DiagnosticIds.NotPositive);
    }

    /// <summary>EDM's loss draws the stage from its own lognormal: an edm model without stage_sampling trains so; VP ones pick uniformly.</summary>
    [Fact]
    public void TheDefaultStageSamplingFollowsTheSchedulesReference()
    {
        Assert.Equal(StageSampling.UniformStage, MsdCompiler.CompileUnguarded(TinyModel.With(train: "lr 1e-3")).Model!.Train.StageSampling);
        var edm = TinyModel.With(train: "lr 1e-3").Replace("diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps", "diffusion edm predicts edm");
        var compiled = MsdCompiler.CompileUnguarded(edm);
        Assert.Empty(compiled.Diagnostics);
        Assert.Equal(StageSampling.ScheduleProportional, compiled.Model!.Train.StageSampling);
        var withoutTrain = TinyModel.With().Replace("diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps", "diffusion edm predicts edm");
        Assert.Equal(StageSampling.ScheduleProportional, MsdCompiler.CompileUnguarded(withoutTrain).Model!.Train.StageSampling);
        Assert.Equal(StageSampling.UniformStage, MsdCompiler.CompileUnguarded(edm.Replace("lr 1e-3", "stage_sampling uniform")).Model!.Train.StageSampling);
    }

    /// <summary>EDM's training loop clips nothing: an edm model without `clip` trains so; the others clip at 1, as score_sde.</summary>
    [Fact]
    public void TheDefaultClipFollowsTheSchedulesReference()
    {
        var vp = TinyModel.With(train: "lr 1e-3");
        var edm = vp.Replace("diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps", "diffusion edm predicts edm");
        Assert.Equal(1.0, MsdCompiler.CompileUnguarded(vp).Model!.Train.GradClip);
        Assert.Equal(0.0, MsdCompiler.CompileUnguarded(edm).Model!.Train.GradClip);
        Assert.Equal(0.5, MsdCompiler.CompileUnguarded(edm.Replace("lr 1e-3", "clip 0.5")).Model!.Train.GradClip);
    }

    /// <summary>
    /// The EMA the reference code keeps by default: EDM's half-life of 500 thousand images (with its ramp-up) under
    /// edm(...), and otherwise a fixed decay with score_sde's warm-up at every update, so that the average of a short run
    /// is not mostly the initial weights (0.9999^2000 = 0.82 of them after 2,000 steps without it). Written settings win.
    /// </summary>
    [Fact]
    public void TheDefaultEmaFollowsTheSchedulesReference()
    {
        var vp = TinyModel.With(train: "lr 1e-3");
        var edm = vp.Replace("diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps", "diffusion edm predicts edm");
        TrainSpec Train(string text)
        {
            var compiled = MsdCompiler.CompileUnguarded(text);
            Assert.Empty(compiled.Diagnostics);
            return compiled.Model!.Train;
        }

        Assert.Equal((TrainDefaults.EmaWarmupAlways, (double?)null), (Train(vp).EmaWarmup, Train(vp).EmaHalfLifeKimg));
        Assert.Equal((0, (double?)500), (Train(edm).EmaWarmup, Train(edm).EmaHalfLifeKimg));
        Assert.Equal((0, (double?)500, 0.1), (Train(edm.Replace("lr 1e-3", "ema_rampup 0.1")).EmaWarmup, Train(edm.Replace("lr 1e-3", "ema_rampup 0.1")).EmaHalfLifeKimg, Train(edm.Replace("lr 1e-3", "ema_rampup 0.1")).EmaRampUp));
        // A fixed decay written under edm(...) is that decay, with the warm-up; an ema_warmup written is kept.
        Assert.Equal((TrainDefaults.EmaWarmupAlways, (double?)null, 0.999), (Train(edm.Replace("lr 1e-3", "ema 0.999")).EmaWarmup, Train(edm.Replace("lr 1e-3", "ema 0.999")).EmaHalfLifeKimg, Train(edm.Replace("lr 1e-3", "ema 0.999")).Ema));
        Assert.Equal((200, (double?)null), (Train(vp.Replace("lr 1e-3", "ema_warmup 200")).EmaWarmup, Train(vp.Replace("lr 1e-3", "ema_warmup 200")).EmaHalfLifeKimg));
        Assert.Equal((0, (double?)100), (Train(vp.Replace("lr 1e-3", "ema_halflife_kimg 100")).EmaWarmup, Train(vp.Replace("lr 1e-3", "ema_halflife_kimg 100")).EmaHalfLifeKimg));
        // Outside edm(...), a ramp-up still needs a half-life to ramp.
        TinyModel.SingleDiagnostic(TinyModel.With(train: "⟦ema_rampup⟧ 0.1"), DiagnosticIds.IncompatibleSettings);
        // Beside a fixed decay, which replaces the half-life, it says so rather than asking for the half-life.
        var fixedWithRampUp = TinyModel.SingleDiagnostic(TinyModel.With(train: "ema 0.999; ⟦ema_rampup⟧ 0.1")
            .Replace("diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps", "diffusion edm predicts edm"), DiagnosticIds.IncompatibleSettings);
        Assert.Equal("'ema_rampup' ramps up EDM's EMA half-life, which a fixed 'ema' or 'ema_warmup' replaces: keep one", fixedWithRampUp.Message);
    }

    /// <summary>`predicts` is optional: without it edm(...) is EDM's preconditioned denoiser and the other schedules predict the noise.</summary>
    [Fact]
    public void WithoutPredictsTheTargetIsTheSchedulesOwn()
    {
        var edm = MsdCompiler.CompileUnguarded(TinyModel.With().Replace("diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps", "diffusion edm(sigma_max = 80)"));
        Assert.Empty(edm.Diagnostics);
        Assert.Equal(DiffusionDsl.Runtime.Diffusion.PredictionTarget.Edm, edm.Model!.Prediction);
        var vp = MsdCompiler.CompileUnguarded(TinyModel.With().Replace(" predicts eps", ""));
        Assert.Empty(vp.Diagnostics);
        Assert.Equal(DiffusionDsl.Runtime.Diffusion.PredictionTarget.Eps, vp.Model!.Prediction);
        // Said outright, a target that does not go with the schedule is still an error.
        TinyModel.SingleDiagnostic(TinyModel.With().Replace("diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps", "diffusion edm predicts ⟦eps⟧"), DiagnosticIds.IncompatibleSettings);
    }

    /// <summary>A stage wholly below where a VP or cosine schedule's sampling ends would never be used: an error at it.</summary>
    [Fact]
    public void AStageBelowTheSchedulesSmallestTimeIsAnError()
    {
        var source = TinyModel.With().Replace("    a [0, 0.5)\n    b [0.5, 1]\n", "    a ⟦[0, 0.0005)⟧\n    b [0.0005, 1]\n");
        var error = TinyModel.SingleDiagnostic(source, DiagnosticIds.BoundaryOutOfRange);
        Assert.StartsWith("Stage 'a' ends at t = 0.0005, at or below t = 0.001, where the vp schedule's sampling ends: no sample would use its decoder", error.Message);
        Assert.Empty(MsdCompiler.CompileUnguarded(TinyModel.With().Replace("a [0, 0.5)\n    b [0.5, 1]", "a [0, 0.002)\n    b [0.002, 1]")).Diagnostics);
        // EDM and DDPM train from t = 0.
        var edm = TinyModel.With().Replace("diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps", "diffusion edm predicts edm")
                               .Replace("a [0, 0.5)\n    b [0.5, 1]", "a [0, 0.0005)\n    b [0.0005, 1]");
        Assert.Empty(MsdCompiler.CompileUnguarded(edm).Diagnostics);
    }

    /// <summary>
    /// Every train and sample setting's range is TrainRanges' or SampleRanges', which the runtime holds the options set
    /// from C# to as well: its lowest value compiles and the value below it (or the excluded bound) is one error naming it.
    /// </summary>
    [Fact]
    public void EveryTrainAndSampleSettingIsHeldToItsSharedRange()
    {
        var ranges = typeof(TrainRanges).GetFields().Select(f => ("train", (SettingRange)f.GetValue(null)!))
            .Concat(typeof(SampleRanges).GetFields().Select(f => ("sample", (SettingRange)f.GetValue(null)!))).ToList();
        Assert.Equal(30, ranges.Count);
        foreach (var (section, range) in ranges)
        {
            double lowest = range.MinIncluded ? range.Min : range.WholeNumber ? range.Min + 1 : range.Min + 0.5 * Math.Min(1, range.Max - range.Min);
            double below = range.MinIncluded ? range.Min - 1 : range.Min;
            string companion = range.Setting switch
            {
                "eval_count" => "; eval_every 10", "ema_rampup" => "; ema_halflife_kimg 500", "eta" => "; solver ddim", "churn" => "; solver heun",
                "churn_min" or "churn_max" or "churn_noise" => "; solver heun; churn 40", _ => "",
            };
            string Setting(double value) => $"{range.Setting} {value.ToString(CultureInfo.InvariantCulture)}{companion}";
            string Text(double value) => section == "train"
                ? TinyModel.With(train: Setting(value)).Replace("batch 8; batch", "batch")
                : TinyModel.With().Replace("  decoder b { width 4 }\n", "  decoder b { width 4 }\n  sample { " + Setting(value) + " }\n");
            var compiled = MsdCompiler.CompileUnguarded(Text(lowest));
            Assert.True(compiled.Diagnostics.Count == 0, $"{Setting(lowest)}: {string.Join("; ", compiled.Diagnostics.Select(d => d.Message))}");
            var refused = Assert.Single(MsdCompiler.CompileUnguarded(Text(below)).Diagnostics);
            Assert.StartsWith(range.Setting, refused.Message);
            Assert.Contains(range.Describe(), refused.Message);
        }
    }

    /// <summary>A lost '{' shows only where its '}' is left over, far below: the message names the line that lost it.</summary>
    [Fact]
    public void ALeftOverBraceNamesTheLineThatLostItsOpeningBrace()
    {
        var lost = Assert.Single(Compile(Valid.Replace("  encoder ddpmpp {\n", "  encoder ddpmpp   # the stem\n")));
        Assert.Equal(DiagnosticIds.SyntaxError, lost.Id);
        Assert.EndsWith("no '{' is open (did 'encoder ddpmpp' on line 8 lose its '{'?)", lost.Message);
        // A brace on the next line is a brace: a '}' too many there gets no such guess.
        var extra = Assert.Single(Compile(Valid.Replace("  encoder ddpmpp {\n", "  encoder ddpmpp\n  {\n") + "}\n"));
        Assert.EndsWith("no '{' is open", extra.Message);
    }

    /// <summary>A stage line still being typed is one error whose example starts where the stage must; its neighbour is not blamed.</summary>
    [Fact]
    public void AStageWithoutItsIntervalIsOneErrorWithTheStartItNeeds()
    {
        var typing = Assert.Single(Compile(Valid.Replace("    b [0.5, 1]\n", "    b\n")));
        Assert.Equal("'b' needs an interval [0.5, end) (it starts where 'a' ends)", typing.Message);
        var three = Valid.Replace("    b [0.5, 1]\n", "    b 0.7\n    c [0.7, 1]\n").Replace("  decoder b { width 4 }\n", "  decoder b { width 4 }\n  decoder c { width 4 }\n");
        var wrong = Assert.Single(Compile(three));
        Assert.Equal("Stage 'b' needs an interval [0.5, end) (it starts where 'a' ends), not '0.7'", wrong.Message);
    }

    /// <summary>A misspelt required setting is one error, "did you mean", not that and the setting missing.</summary>
    [Theory]
    [InlineData("    width 8\n", "    ⟦widht⟧ 8\n")]
    [InlineData("    mult [1, 2]\n", "    ⟦mlt⟧ [1, 2]\n")]
    [InlineData("  image 1x8x8\n", "  ⟦imag⟧ 1x8x8\n")]
    [InlineData("  decoder b { width 4 }", "  decoder b { ⟦wdth⟧ 4 }")]
    public void AMisspeltRequiredSettingIsOneError(string valid, string marked)
    {
        Assert.Contains(valid, Valid);
        var diagnostic = TinyModel.SingleDiagnostic(Valid.Replace(valid, marked), DiagnosticIds.UnknownKeyword);
        Assert.Contains("did you mean", diagnostic.Message);
    }

    /// <summary>A keyword that stands alone (a level's `attention`) still lets the next setting share its line.</summary>
    [Fact]
    public void AFlagIsFollowedByTheNextSettingOnItsLine()
    {
        var levels = Valid.Replace("    mult [1, 2]\n    blocks 1\n", "    level 8 { width 8  blocks 1 }\n    level 4 { attention  width 16  blocks 1 }\n");
        var model = MsdCompiler.CompileUnguarded(levels);
        Assert.Empty(model.Diagnostics);
        Assert.True(model.Model!.Encoder.Levels[1].Attention);
        Assert.Equal(16, model.Model.Encoder.Levels[1].Width);
    }

    /// <summary>A message's numbers can be typed back: "must end at 152.167" (vp(0.1, 20)'s sigma_max is 152.16697...) compiles.</summary>
    [Fact]
    public void TheNumbersMessagesSuggestForStageBoundariesCompile()
    {
        string InSigma(string stages) => Valid.Replace("  stages {", "  stages in sigma {").Replace("    a [0, 0.5)\n    b [0.5, 1]\n", stages);
        var ending = Assert.Single(Compile(InSigma("    a [0, 10)\n    b [10, 152]\n")));
        Assert.Contains("must end at 152.167 (sigma)", ending.Message);
        Assert.Empty(Compile(InSigma("    a [0, 10)\n    b [10, 152.167]\n")));
        Assert.NotEmpty(Compile(InSigma("    a [0, 10)\n    b [10, 152.168]\n")));   // past the shown digits: not the edge
        Assert.NotEmpty(Compile(Valid.Replace("b [0.5, 1]", "b [0.5, 0.9999995]")));    // in t the edges are exact

        var gap = Assert.Single(Compile(InSigma("    a [0, 10.123456789)\n    b [10.12345, 152.167]\n")));
        Assert.Contains("Start it at 10.123456789", gap.Message);
        Assert.Empty(Compile(InSigma("    a [0, 10.123456789)\n    b [10.123456789, 152.167]\n")));
    }

    [Fact]
    public void BoundariesWithinTheToleranceMeetExactly()
    {
        var compilation = MsdCompiler.CompileUnguarded(Valid.Replace("b [0.5, 1]", "b [0.5000000000001, 1]"));
        Assert.Empty(compilation.Diagnostics);
        Assert.Equal(compilation.Model!.Stages[0].End, compilation.Model.Stages[1].Start);
    }

    /// <summary>Two sigmas a rounding error apart convert to the same t: the stage between them would never be routed.</summary>
    [Fact]
    public void AStageThatIsEmptyInTIsRejected()
    {
        const string edm = "diffusion edm(sigma_min = 0.002, sigma_max = 80) predicts edm";
        var schedule = new ScheduleSpec(ScheduleKind.Edm);
        // Neighbouring doubles from 2.5 up, until two of them convert to the same t (pow(sigma, 1/7) flattens them).
        double low = 2.5, high = Math.BitIncrement(low);
        while (schedule.TimeOfSigma(low) != schedule.TimeOfSigma(high)) (low, high) = (high, Math.BitIncrement(high));
        Assert.True(low < high);
        string l = low.ToString("R", CultureInfo.InvariantCulture), h = high.ToString("R", CultureInfo.InvariantCulture);
        var text = Valid.Replace("diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps", edm).Replace("  stages {", "  stages in sigma {")
            .Replace("    a [0, 0.5)\n    b [0.5, 1]\n", $"    a [0.002, {l})\n    b ⟦[{l}, {h})⟧\n    c [{h}, 80]\n")
            .Replace("  decoder b { width 4 }\n", "  decoder b { width 4 }\n  decoder c { width 4 }\n");
        AssertReported(text, DiagnosticIds.BoundariesNotIncreasing, "covers no diffusion time");
    }

    [Fact]
    public void AModelHasAtMost64Stages()
    {
        var stages = string.Join("\n", Enumerable.Range(0, 65).Select(i => FormattableString.Invariant($"    s{i} [{i / 65.0:R}, {(i + 1) / 65.0:R})")));
        var diagnostics = Compile(Valid.Replace("    a [0, 0.5)\n    b [0.5, 1]\n", stages + "\n"));
        Assert.Contains(diagnostics, d => d.Id == DiagnosticIds.LimitExceeded && d.Message.Contains("65 stages"));
    }

    /// <summary>`decoder sample { ... }` used to be read as the sample section, and MSD0024 asked for the line that was there.</summary>
    [Theory]
    [InlineData("sample")]
    [InlineData("train")]
    [InlineData("image")]
    [InlineData("diffusion")]
    [InlineData("decoder")]
    [InlineData("model")]
    public void AStageMayBeNamedLikeAModelKeyword(string stage)
    {
        var text = Valid.Replace("    b [0.5, 1]\n", $"    {stage} [0.5, 1]\n").Replace("decoder b {", $"decoder {stage} {{");
        var compilation = MsdCompiler.CompileUnguarded(text);
        Assert.Empty(compilation.Diagnostics);
        Assert.Equal(stage, compilation.Model!.Decoders[1].Stage);
    }

    [Fact]
    public void AModelNamedModelWorksToo() => Assert.Empty(Compile(Valid.Replace("model Tiny {", "model model {")));

    [Theory]
    [InlineData("class")]
    [InlineData("object")]
    [InlineData("required")]
    public void MSD0010SaysAKeywordIsAKeyword(string name)
    {
        AssertReported(Valid.Replace("model Tiny {", $"model ⟦{name}⟧ {{"), DiagnosticIds.InvalidName, "is a C# keyword");
        AssertReported(Valid.Replace("  image 1x8x8\n", $"  namespace ⟦Users.{name}⟧\n  image 1x8x8\n"), DiagnosticIds.InvalidName,
            $"has a part '{name}' that is a C# keyword");
    }

    [Fact]
    public void AnInvalidModelNameDoesNotLeaveAnEmptyNameInLaterMessages()
    {
        var diagnostics = Compile(Valid.Replace("model Tiny {", "model class {").Replace("    blocks 1\n", "    blocks 1\n  }\n  widht 3\n  encoder2 {\n"));
        Assert.Contains(diagnostics, d => d.Id == DiagnosticIds.UnknownKeyword && d.Message.Contains("in the model"));
        Assert.DoesNotContain(diagnostics, d => d.Message.Contains("''"));
    }

    [Fact]
    public void MessagesQuoteOnlyAnExcerptOfALongValue()
    {
        var name = new string('x', 100_000);
        var number = new string('1', 100_000) + ".5";
        foreach (var text in new[] { Valid.Replace("blocks 1", "blocks " + name), Valid.Replace("blocks 1", "blocks " + number),
                                     Valid.Replace("blocks 1", "blocks [" + string.Join(", ", Enumerable.Repeat("[1, 2]", 20_000)) + "]"),
                                     Valid.Replace("model Tiny", "model " + name) })
        {
            var diagnostics = Compile(text);
            Assert.NotEmpty(diagnostics);
            Assert.All(diagnostics, d => Assert.True(d.Message.Length < 300, d.Message.Substring(0, System.Math.Min(d.Message.Length, 300))));
            Assert.Contains(diagnostics, d => d.Message.Contains(new string(d.Message.Contains("xxx") ? 'x' : '1', Display.MaxExcerpt) + "...'")
                                              || d.Message.Contains("[[1, 2], [1, 2]"));
        }
    }

    [Theory]
    [InlineData('\u200F', "U+200F (right-to-left mark)")]
    [InlineData('\u202E', "U+202E (bidirectional formatting)")]
    [InlineData('\u200B', "U+200B (zero-width space)")]
    [InlineData('\u00A0', "U+00A0 (no-break space)")]
    [InlineData('\uFEFF', "U+FEFF (byte order mark)")]
    [InlineData('\uD800', "U+D800 (unpaired surrogate)")]
    [InlineData('\u0007', "U+0007")]
    public void InvisibleCharactersAreShownAsCodePoints(char c, string shown)
    {
        var diagnostic = Assert.Single(Compile(Valid.Replace("blocks 1", "blocks " + c + "1")));
        Assert.Equal(DiagnosticIds.SyntaxError, diagnostic.Id);
        Assert.Contains("unexpected " + shown, diagnostic.Message);
        Assert.False(diagnostic.Message.Contains(c), "the character itself is in the message");
    }

    /// <summary>A word where a statement should end is quoted whole and spanned, with how to put two statements on one line.</summary>
    [Fact]
    public void ASecondStatementOnALineIsQuotedWholeWithTheSemicolonHint()
    {
        var source = MarkedSource.Parse(Valid.Replace("decoder a { width 8 }\n  decoder b { width 4 }", "decoder a { width 8 }  ⟦decoder⟧ b { width 4 }"));
        var diagnostic = Assert.Single(Compile(source.Text));
        Assert.Equal(DiagnosticIds.SyntaxError, diagnostic.Id);
        Assert.Equal(source.Expected, diagnostic.Span);
        Assert.StartsWith("Syntax error: unexpected 'decoder'; expected end of line", diagnostic.Message);
        Assert.EndsWith("(a second statement on one line needs ';' before 'decoder')", diagnostic.Message);
        Assert.Empty(Compile(source.Text.Replace("}  decoder b", "};  decoder b")));
    }

    [Fact]
    public void ALeadingByteOrderMarkIsWhitespace() => Assert.Empty(Compile("\uFEFF" + Valid));

    [Fact]
    public void AtMost100DiagnosticsAreReportedAndTheRestCounted()
    {
        var text = Valid.Replace("    blocks 1\n", "    blocks 1\n" + string.Concat(Enumerable.Range(0, 500).Select(i => $"    unknown{i} 1\n")));
        var diagnostics = Compile(text);
        Assert.Equal(MsdLimits.MaxDiagnostics + 1, diagnostics.Count);
        var last = diagnostics[diagnostics.Count - 1];
        Assert.Equal(DiagnosticIds.LimitExceeded, last.Id);
        Assert.True(last.IsError);
        Assert.Contains("400 more diagnostics not shown", last.Message);
    }
}
