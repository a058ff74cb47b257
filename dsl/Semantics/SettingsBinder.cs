using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Language.Syntax;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Training;

namespace DiffusionDsl.Language.Semantics;

/// <summary>Binds the training and sampling defaults that the generated trainer and sampler use.</summary>
internal sealed class SettingsBinder
{
    private static readonly string[] TrainKeywords =
    {
        "batch", "lr", "weight_decay", "warmup", "warmup_kimg", "clip", "ema", "ema_warmup", "ema_halflife_kimg", "ema_rampup", "accumulate", "steps", "stage_sampling",
        "stage_groups", "stage_weights", "seed", "checkpoint_every", "keep", "sample_every", "log_every", "augment", "eval_every", "eval_count", "flip", "precision",
    };
    private static readonly string[] SampleKeywords = { "solver", "steps", "eta", "count", "seed", "clip", "end_time", "churn", "churn_min", "churn_max", "churn_noise", "spacing" };
    private static readonly string[] ChurnSettings = { "churn", "churn_min", "churn_max", "churn_noise" };


    private readonly ValueReader _read;

    public SettingsBinder(ValueReader read) => _read = read;

    /// <summary>Where the train section's `augment p` value is, after <see cref="BindTrain"/>; null when absent.</summary>
    public SourceSpan? AugmentSpan { get; private set; }

    /// <summary>The sample section's `end_time` when it is valid, after <see cref="BindSample"/> (even if another sample setting is not).</summary>
    public double? EndTime { get; private set; }

    /// <param name="scheduleKind">The model's schedule, which picks the default stage sampling and clip: EDM's loss draws the
    /// stage from its own lognormal (EDMMultistageLoss, <c>proportional</c>) and its loop clips nothing; the DPM-Solver
    /// runs pick one uniformly and clip at 1.</param>
    /// <param name="stageCount">Null when the stages have errors of their own: the stage weights' count is then not checked.</param>
    public TrainSpec? BindTrain(MsdStatement? statement, int? stageCount, ScheduleKind? scheduleKind)
    {
        // EDM's recipe under its schedule: the stage drawn from its lognormal, and no gradient clipping (training_loop.py
        // has none); score_sde's otherwise (uniform stages, clip 1).
        bool edm = scheduleKind == ScheduleKind.Edm;
        double? defaultHalfLife = edm ? TrainDefaults.EdmEmaHalfLifeKimg : null;
        var spec = new TrainSpec(StageSampling: edm ? StageSampling.ScheduleProportional : TrainDefaults.Sampling, GradClip: edm ? 0 : TrainDefaults.GradClip,
                                 EmaWarmup: DefaultEmaWarmup(defaultHalfLife), EmaHalfLifeKimg: defaultHalfLife);
        if (statement is null) return spec;
        var s = new Section(statement.Body, "train", _read.Diagnostics, TrainKeywords);
        int errors = _read.Diagnostics.ErrorCount;
        RequireBlock(statement, "train { batch 64  lr 2e-4 }");
        // The EMA: EDM's half-life when written, or by default under edm(...) unless a fixed decay is written; otherwise a
        // fixed decay, with score_sde's warm-up at every update unless `ema_warmup` says otherwise (as score_sde's EMA).
        bool fixedDecayWritten = s.Get("ema") is not null || s.Get("ema_warmup") is not null;
        var halfLife = _read.InRange(s.Get("ema_halflife_kimg"), TrainRanges.EmaHalfLifeKimg)
                       ?? (fixedDecayWritten || s.Get("ema_halflife_kimg") is not null ? null : spec.EmaHalfLifeKimg);
        var emaWarmup = _read.Count(s.Get("ema_warmup"), TrainRanges.EmaWarmup) ?? DefaultEmaWarmup(halfLife);
        var batch = _read.Count(s.Get("batch"), TrainRanges.Batch);
        spec = spec with
        {
            Batch = batch ?? spec.Batch,
            LearningRate = _read.InRange(s.Get("lr"), TrainRanges.LearningRate) ?? spec.LearningRate,
            WeightDecay = _read.InRange(s.Get("weight_decay"), TrainRanges.WeightDecay) ?? spec.WeightDecay,
            Warmup = _read.Count(s.Get("warmup"), TrainRanges.Warmup) ?? spec.Warmup,
            WarmupKimg = _read.InRange(s.Get("warmup_kimg"), TrainRanges.WarmupKimg),
            GradClip = _read.InRange(s.Get("clip"), TrainRanges.GradClip) ?? spec.GradClip,
            Ema = _read.InRange(s.Get("ema"), TrainRanges.Ema) ?? spec.Ema,
            EmaWarmup = emaWarmup,
            EmaHalfLifeKimg = halfLife,
            EmaRampUp = _read.InRange(s.Get("ema_rampup"), TrainRanges.EmaRampUp) ?? spec.EmaRampUp,
            Accumulate = _read.Count(s.Get("accumulate"), TrainRanges.Accumulate) ?? spec.Accumulate,
            Steps = _read.Count(s.Get("steps"), TrainRanges.Steps) ?? spec.Steps,
            StageGroups = _read.Count(s.Get("stage_groups"), TrainRanges.StageGroups) ?? spec.StageGroups,
            Seed = _read.Count(s.Get("seed"), TrainRanges.Seed) ?? spec.Seed,
            CheckpointEvery = _read.Count(s.Get("checkpoint_every"), TrainRanges.CheckpointEvery) ?? spec.CheckpointEvery,
            KeepCheckpoints = _read.Count(s.Get("keep"), TrainRanges.KeepCheckpoints) ?? spec.KeepCheckpoints,
            SampleEvery = _read.Count(s.Get("sample_every"), TrainRanges.SampleEvery) ?? spec.SampleEvery,
            LogEvery = _read.Count(s.Get("log_every"), TrainRanges.LogEvery) ?? spec.LogEvery,
            Augment = _read.InRange(s.Get("augment"), TrainRanges.Augment) ?? spec.Augment,
            EvalEvery = _read.Count(s.Get("eval_every"), TrainRanges.EvalEvery) ?? spec.EvalEvery,
            EvalCount = _read.Count(s.Get("eval_count"), TrainRanges.EvalCount) ?? spec.EvalCount,
        };
        AugmentSpan = s.Get("augment")?.Values.FirstOrDefault()?.Span;
        CheckEmaSettings(s, halfLife is not null);
        if (s.Get("warmup") is { } steps && s.Get("warmup_kimg") is not null)
            _read.Diagnostics.Error(DiagnosticIds.IncompatibleSettings, steps.KeywordSpan,
                "'warmup' counts steps and 'warmup_kimg' thousands of training images (EDM's lr_rampup_kimg): keep one");
        if (_read.Choice(s.Get("stage_sampling"), "uniform, proportional, mixed or cyclic", "stage sampling policy", StageSamplingNames.ByName.Keys.ToList()) is { } policy)
            spec = spec with { StageSampling = StageSamplingNames.ByName[policy] };
        if (_read.Flag(s.Get("flip"), "flip") is bool flip) spec = spec with { Flip = flip };
        if (_read.Choice(s.Get("precision"), "auto, fp32 or bf16", "precision", MixedPrecisionNames.ByName.Keys.ToList()) is { } precision)
            spec = spec with { Precision = MixedPrecisionNames.ByName[precision] };
        // A batch that is itself an error has no size to split: the splits are checked against a batch that was read.
        if (s.Get("batch") is null || batch is not null) CheckBatchSplits(s, spec);
        if (s.Get("stage_weights") is { } weights)
        {
            _read.NoMoreThan(weights, 1);
            var list = _read.NumberList(_read.At(weights, 0, "one weight per stage, e.g. [1, 1, 1]"), "a stage weight");
            if (list is not null && stageCount is int stagesThere && list.Count != stagesThere)
                _read.Diagnostics.Error(DiagnosticIds.WrongValue, weights.Values[0].Span, $"Give one weight per stage: {stageCount} weights, not {list.Count}");
            else if (list is not null && list.Any(w => !(w > 0)))
                _read.Diagnostics.Error(DiagnosticIds.ValueOutOfRange, weights.Values[0].Span, "Stage weights must be positive");
            else if (list is not null && list.Any(w => !(w >= TrainRanges.StageWeight.Min && w <= TrainRanges.StageWeight.Max)))
                _read.Diagnostics.Error(DiagnosticIds.ValueOutOfRange, weights.Values[0].Span,
                    $"Stage weights must be in [{Display.Number(TrainRanges.StageWeight.Min)}, {Display.Number(TrainRanges.StageWeight.Max)}]: they scale float32 losses, and only their ratios matter");
            else if (list is not null)
                spec = spec with { StageWeights = list.ToEquatableArray() };
        }
        if (_read.Diagnostics.ErrorCount != errors) return null;
        WarnOfAWarmupLongerThanTheRun(s, spec);
        return spec;
    }

    /// <summary>A warm-up that the run's steps end before it does: the rate never reaches lr (warning MSD0052, at the warm-up's value).</summary>
    private void WarnOfAWarmupLongerThanTheRun(Section s, TrainSpec spec)
    {
        if (WarmupLength.Outlasts(spec.Warmup, spec.WarmupKimg, spec.Batch, spec.Steps) is not { } outlasts) return;
        if ((s.Get("warmup_kimg") ?? s.Get("warmup")) is not { } written) return;
        string unwritten = s.Get("steps") is null ? $"; the train section writes no `steps`, so the run has the default {TrainDefaults.Steps}" : "";
        _read.Diagnostics.Warning(DiagnosticIds.WarmupOutlastsRun, written.Values[0].Span,
            char.ToUpperInvariant(outlasts[0]) + outlasts.Substring(1) + unwritten + ". Write more `steps`, or a shorter warm-up");
    }

    /// <summary>
    /// A train or sample section's settings go in its { body }: written on its line (`train batch 64`) they would be
    /// ignored without a word, so they are an error at the first of them, as a missing body is.
    /// </summary>
    private void RequireBlock(MsdStatement statement, string example)
    {
        if (statement.Values.Count > 0)
            _read.Diagnostics.Error(DiagnosticIds.WrongValue, statement.Values[0].Span,
                $"{Display.Quote(statement.Keyword)} takes its settings inside {{ ... }}, not on its line: {example}");
        else if (statement.Body is null)
            _read.Diagnostics.Error(DiagnosticIds.MissingSetting, statement.KeywordSpan, $"{Display.Quote(statement.Keyword)} needs a body: {example}");
    }

    /// <summary>A fixed decay warms up at every update (score_sde's EMA); EDM's half-life has no such warm-up.</summary>
    private static int DefaultEmaWarmup(double? halfLife) => halfLife is null ? TrainDefaults.EmaWarmupAlways : TrainDefaults.EmaWarmup;

    /// <summary>
    /// A fixed decay (`ema`, with score_sde's `ema_warmup`) and EDM's half-life (`ema_halflife_kimg`, with its
    /// `ema_rampup`) are two ways to set one average: one of them. `ema_rampup` needs the half-life, written or the edm
    /// default.
    /// </summary>
    private void CheckEmaSettings(Section s, bool halfLifeApplies)
    {
        var halfLife = s.Get("ema_halflife_kimg");
        foreach (var fixedDecay in new[] { s.Get("ema"), s.Get("ema_warmup") })
            if (halfLife is not null && fixedDecay is not null)
                _read.Diagnostics.Error(DiagnosticIds.IncompatibleSettings, fixedDecay.KeywordSpan,
                    $"{Display.Quote(fixedDecay.Keyword)} sets a fixed EMA decay and 'ema_halflife_kimg' EDM's half-life: keep one");
        if (!halfLifeApplies && halfLife is null && s.Get("ema_rampup") is { } rampUp)
            _read.Diagnostics.Error(DiagnosticIds.IncompatibleSettings, rampUp.KeywordSpan,
                s.Get("ema") is null && s.Get("ema_warmup") is null
                    ? "'ema_rampup' ramps up EDM's EMA half-life: set 'ema_halflife_kimg' too (EDM: 500)"
                    : "'ema_rampup' ramps up EDM's EMA half-life, which a fixed 'ema' or 'ema_warmup' replaces: keep one");
    }

    /// <summary>`accumulate` and `stage_groups` each split the batch into equal parts: they must divide it.</summary>
    private void CheckBatchSplits(Section s, TrainSpec spec)
    {
        foreach (var (keyword, parts, what) in new[] { ("accumulate", spec.Accumulate, "micro-batches"), ("stage_groups", spec.StageGroups, "groups that each draw a stage") })
            if (s.Get(keyword) is { Values.Count: > 0 } split && spec.Batch % parts != 0)
                _read.Diagnostics.Error(DiagnosticIds.IncompatibleSettings, split.Values[0].Span,
                    $"{Display.Quote(keyword)} {parts} must divide the batch, {spec.Batch}{(s.Get("batch") is null ? " (the default)" : "")}: the batch is split into {parts} equal {what}");
        if (s.Get("stage_groups") is { } groups && spec.StageGroups > 1 && spec.StageSampling == StageSampling.Mixed)
            _read.Diagnostics.Error(DiagnosticIds.IncompatibleSettings, groups.KeywordSpan,
                "'stage_groups' gives each group of the batch one stage, but 'stage_sampling mixed' draws every sample's own: keep one");
    }

    /// <param name="scheduleKind">The model's schedule: `end_time` applies to all but edm, which ends at its sigma_min.</param>
    public SampleSpec? BindSample(MsdStatement? statement, ScheduleKind? scheduleKind)
    {
        var spec = new SampleSpec();
        if (statement is null) return spec;
        var s = new Section(statement.Body, "sample", _read.Diagnostics, SampleKeywords);
        int errors = _read.Diagnostics.ErrorCount;
        RequireBlock(statement, "sample { solver dpm_solver3  steps 20 }");
        spec = spec with
        {
            Steps = _read.Count(s.Get("steps"), SampleRanges.Steps) ?? spec.Steps,
            Eta = _read.InRange(s.Get("eta"), SampleRanges.Eta) ?? spec.Eta,
            Count = _read.Count(s.Get("count"), SampleRanges.Count) ?? spec.Count,
            Seed = _read.Count(s.Get("seed"), SampleRanges.Seed) ?? spec.Seed,
        };
        int beforeSolver = _read.Diagnostics.ErrorCount;
        if (_read.Choice(s.Get("solver"), "a solver name", "solver", SolverNames.All.ToList()) is { } solver) spec = spec with { Solver = SolverNames.KindOf(solver) };
        // Only DDIM draws noise by eta (ddpm's ancestral step is its own, fixed amount): elsewhere it is read by nothing.
        // Not when the solver line has an error of its own: the solver meant is unknown (solver dim meant ddim).
        bool solverKnown = s.Get("solver") is null || _read.Diagnostics.ErrorCount == beforeSolver;
        if (s.Get("eta") is { } eta && solverKnown && spec.Solver != SolverKind.Ddim)
            _read.Diagnostics.Warning(DiagnosticIds.SettingUnused, eta.KeywordSpan,
                $"'eta' sets the ddim solver's noise; solver {SolverNames.NameOf(spec.Solver)} does not use it (remove it, or write solver ddim)");
        spec = BindChurn(s, spec, solverKnown);
        if (_read.Choice(s.Get("spacing"), "logsnr or time", "spacing", TimeSpacingNames.All) is { } spacing)
        {
            spec = spec with { Spacing = TimeSpacingNames.KindOf(spacing) };
            if (solverKnown && !TimeSpacingNames.AppliesTo(spec.Solver))
                _read.Diagnostics.Warning(DiagnosticIds.SettingUnused, s.Get("spacing")!.KeywordSpan,
                    $"'spacing' places the DPM solvers' steps (dpm_solver2, dpm_solver3, dpm_solver_pp2m); solver {SolverNames.NameOf(spec.Solver)} " +
                    $"has a grid of its own (remove it, or write one of those solvers)");
        }
        if (_read.Flag(s.Get("clip"), "clip") is bool clip) spec = spec with { Clip = clip };
        if (s.Get("end_time") is { } end && _read.InRange(end, SampleRanges.EndTime) is double endTime)
        {
            if (scheduleKind is ScheduleKind.Edm)
                _read.Diagnostics.Error(DiagnosticIds.IncompatibleSettings, end.KeywordSpan,
                    "'end_time' sets where a vp, cosine or ddpm schedule's sampling stops; the edm schedule stops at its sigma_min (edm(sigma_min = ...))");
            else if (scheduleKind is { } kind && endTime < TrainingStart(kind))
                _read.Diagnostics.Error(DiagnosticIds.ValueOutOfRange, end.Values[0].Span,
                    $"'end_time' {ValueReader.Format(endTime)} is below t = {ValueReader.Format(TrainingStart(kind))}, where the {kind.ToString().ToLowerInvariant()} schedule's training starts: no decoder learned those times");
            else
                spec = spec with { EndTime = EndTime = endTime };
        }
        return _read.Diagnostics.ErrorCount == errors ? spec : null;
    }

    /// <summary>
    /// EDM's stochastic Heun (Algorithm 2): `churn` is S_churn, `churn_min` / `churn_max` the sigmas between which it
    /// churns, `churn_noise` S_noise. Read by the heun solver only; the three details by a churn above 0 only.
    /// </summary>
    private SampleSpec BindChurn(Section s, SampleSpec spec, bool solverKnown)
    {
        int beforeChurn = _read.Diagnostics.ErrorCount;
        double? churn = _read.InRange(s.Get("churn"), SampleRanges.Churn);
        bool churnRead = _read.Diagnostics.ErrorCount == beforeChurn;
        spec = spec with
        {
            Churn = churn ?? spec.Churn,
            ChurnMin = _read.InRange(s.Get("churn_min"), SampleRanges.ChurnMin) ?? spec.ChurnMin,
            ChurnMax = _read.InRange(s.Get("churn_max"), SampleRanges.ChurnMax) ?? spec.ChurnMax,
            ChurnNoise = _read.InRange(s.Get("churn_noise"), SampleRanges.ChurnNoise) ?? spec.ChurnNoise,
        };
        if (s.Get("churn_min") is { } low && s.Get("churn_max") is { } && spec.ChurnMin >= spec.ChurnMax)
            _read.Diagnostics.Error(DiagnosticIds.IncompatibleSettings, low.Values.Count > 0 ? low.Values[0].Span : low.KeywordSpan,
                $"'churn_min' {ValueReader.Format(spec.ChurnMin)} must be below 'churn_max' {ValueReader.Format(spec.ChurnMax)}: heun churns at the sigmas between them");
        if (solverKnown && spec.Solver != SolverKind.EdmHeun)
        {
            foreach (var setting in ChurnSettings.Select(s.Get).OfType<MsdStatement>())
                _read.Diagnostics.Warning(DiagnosticIds.SettingUnused, setting.KeywordSpan,
                    $"'{setting.Keyword}' {(setting.Keyword == "churn" ? "sets the heun solver's added noise (EDM's S_churn)" : "shapes the heun solver's churn")}; " +
                    $"solver {SolverNames.NameOf(spec.Solver)} does not use it (remove it, or write solver heun)");
        }
        else if (churnRead && spec.Churn == 0)
        {
            foreach (var detail in ChurnSettings.Skip(1).Select(s.Get).OfType<MsdStatement>())
                _read.Diagnostics.Warning(DiagnosticIds.SettingUnused, detail.KeywordSpan,
                    $"'{detail.Keyword}' shapes heun's churn, and there is none: write 'churn' with a value above 0 (EDM's ImageNet runs use 40 to 80), or remove it");
        }
        return spec;
    }

    /// <summary>The smallest t training draws (VpSchedule.TrainingMinTime, CosineSchedule.MinTime; ddpm's grid starts at 0).</summary>
    private static double TrainingStart(ScheduleKind kind) => kind switch
    {
        ScheduleKind.Vp => ScheduleDefaults.VpTrainingMinTime,
        ScheduleKind.Ddpm => 0,
        _ => ScheduleDefaults.MinTime,
    };
}
