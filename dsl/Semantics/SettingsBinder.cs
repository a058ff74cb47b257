using System.Collections.Generic;
using System.Linq;
using DiffusionDsl.Language.Diagnostics;
using DiffusionDsl.Language.Syntax;
using DiffusionDsl.Runtime.Training;

namespace DiffusionDsl.Language.Semantics;

/// <summary>Binds the training and sampling defaults that the generated trainer and sampler use.</summary>
internal sealed class SettingsBinder
{
    private static readonly string[] TrainKeywords =
    {
        "batch", "lr", "weight_decay", "warmup", "warmup_kimg", "clip", "ema", "ema_warmup", "ema_halflife_kimg", "ema_rampup", "accumulate", "steps", "stage_sampling",
        "stage_weights", "seed", "checkpoint_every", "keep", "sample_every", "log_every", "augment", "eval_every", "eval_count",
    };
    private static readonly string[] SampleKeywords = { "solver", "steps", "eta", "count", "seed", "clip" };

    internal static readonly Dictionary<string, StageSampling> StagePolicies = new()
    {
        ["uniform"] = StageSampling.UniformStage, ["proportional"] = StageSampling.ScheduleProportional, ["mixed"] = StageSampling.Mixed,
    };

    private readonly ValueReader _read;

    public SettingsBinder(ValueReader read) => _read = read;

    /// <summary>Where the train section's `augment p` value is, after <see cref="BindTrain"/>; null when absent.</summary>
    public SourceSpan? AugmentSpan { get; private set; }

    public TrainSpec? BindTrain(MsdStatement? statement, int stageCount)
    {
        var spec = new TrainSpec();
        if (statement is null) return spec;
        var s = new Section(statement.Body, "train", _read.Diagnostics, TrainKeywords);
        int errors = _read.Diagnostics.ErrorCount;
        spec = spec with
        {
            Batch = _read.PositiveInteger(s.Get("batch"), "batch") ?? spec.Batch,
            LearningRate = _read.InRange(s.Get("lr"), "lr", 0, false, 10, true) ?? spec.LearningRate,
            WeightDecay = _read.InRange(s.Get("weight_decay"), "weight_decay", 0, true, 10, true) ?? spec.WeightDecay,
            Warmup = _read.PositiveInteger(s.Get("warmup"), "warmup", min: 0) ?? spec.Warmup,
            WarmupKimg = _read.InRange(s.Get("warmup_kimg"), "warmup_kimg (0: no warm-up)", 0, true, 1e9, true),
            GradClip = _read.InRange(s.Get("clip"), "clip (0: no clipping)", 0, true, 1e9, true) ?? spec.GradClip,
            Ema = _read.InRange(s.Get("ema"), "ema", 0, false, 1, false) ?? spec.Ema,
            EmaWarmup = _read.PositiveInteger(s.Get("ema_warmup"), "ema_warmup", min: 0) ?? spec.EmaWarmup,
            EmaHalfLifeKimg = _read.InRange(s.Get("ema_halflife_kimg"), "ema_halflife_kimg", 0, false, 1e9, true),
            EmaRampUp = _read.InRange(s.Get("ema_rampup"), "ema_rampup", 0, true, 1, true) ?? spec.EmaRampUp,
            Accumulate = _read.PositiveInteger(s.Get("accumulate"), "accumulate") ?? spec.Accumulate,
            Steps = _read.PositiveInteger(s.Get("steps"), "steps") ?? spec.Steps,
            Seed = _read.PositiveInteger(s.Get("seed"), "seed", min: 0) ?? spec.Seed,
            CheckpointEvery = _read.PositiveInteger(s.Get("checkpoint_every"), "checkpoint_every") ?? spec.CheckpointEvery,
            KeepCheckpoints = _read.PositiveInteger(s.Get("keep"), "keep") ?? spec.KeepCheckpoints,
            SampleEvery = _read.PositiveInteger(s.Get("sample_every"), "sample_every", min: 0) ?? spec.SampleEvery,
            LogEvery = _read.PositiveInteger(s.Get("log_every"), "log_every") ?? spec.LogEvery,
            Augment = _read.InRange(s.Get("augment"), "augment (the augmentation probability)", 0, true, 1, true) ?? spec.Augment,
            EvalEvery = _read.PositiveInteger(s.Get("eval_every"), "eval_every", min: 0) ?? spec.EvalEvery,
            // Two images are the fewest with a covariance; Frechet distances from few images are only rough.
            EvalCount = _read.PositiveInteger(s.Get("eval_count"), "eval_count (images sampled per evaluation)", min: 2) ?? spec.EvalCount,
        };
        AugmentSpan = s.Get("augment")?.Values.FirstOrDefault()?.Span;
        CheckEmaSettings(s);
        if (s.Get("warmup") is { } steps && s.Get("warmup_kimg") is not null)
            _read.Diagnostics.Error(DiagnosticIds.IncompatibleSettings, steps.KeywordSpan,
                "'warmup' counts steps and 'warmup_kimg' thousands of training images (EDM's lr_rampup_kimg): keep one");
        if (s.Get("stage_sampling") is { } policy)
        {
            _read.NoMoreThan(policy, 1);
            var name = _read.Option(_read.At(policy, 0, "uniform, proportional or mixed"), "stage sampling policy", StagePolicies.Keys.ToList());
            if (name is not null) spec = spec with { StageSampling = StagePolicies[name] };
        }
        if (s.Get("stage_weights") is { } weights)
        {
            _read.NoMoreThan(weights, 1);
            var list = _read.NumberList(_read.At(weights, 0, "one weight per stage, e.g. [1, 1, 1]"), "a stage weight");
            if (list is not null && list.Count != stageCount)
                _read.Diagnostics.Error(DiagnosticIds.WrongValue, weights.Values[0].Span, $"Give one weight per stage: {stageCount} weights, not {list.Count}");
            else if (list is not null && list.Any(w => !(w > 0)))
                _read.Diagnostics.Error(DiagnosticIds.ValueOutOfRange, weights.Values[0].Span, "Stage weights must be positive");
            else if (list is not null)
                spec = spec with { StageWeights = list.ToEquatableArray() };
        }
        return _read.Diagnostics.ErrorCount == errors ? spec : null;
    }

    /// <summary>
    /// A fixed decay (`ema`, with score_sde's `ema_warmup`) and EDM's half-life (`ema_halflife_kimg`, with its
    /// `ema_rampup`) are two ways to set one average: one of them.
    /// </summary>
    private void CheckEmaSettings(Section s)
    {
        var halfLife = s.Get("ema_halflife_kimg");
        foreach (var fixedDecay in new[] { s.Get("ema"), s.Get("ema_warmup") })
            if (halfLife is not null && fixedDecay is not null)
                _read.Diagnostics.Error(DiagnosticIds.IncompatibleSettings, fixedDecay.KeywordSpan,
                    $"{Display.Quote(fixedDecay.Keyword)} sets a fixed EMA decay and 'ema_halflife_kimg' EDM's half-life: keep one");
        if (halfLife is null && s.Get("ema_rampup") is { } rampUp)
            _read.Diagnostics.Error(DiagnosticIds.IncompatibleSettings, rampUp.KeywordSpan,
                "'ema_rampup' ramps up EDM's EMA half-life: set 'ema_halflife_kimg' too (EDM: 500)");
    }

    public SampleSpec? BindSample(MsdStatement? statement)
    {
        var spec = new SampleSpec();
        if (statement is null) return spec;
        var s = new Section(statement.Body, "sample", _read.Diagnostics, SampleKeywords);
        int errors = _read.Diagnostics.ErrorCount;
        spec = spec with
        {
            Steps = _read.PositiveInteger(s.Get("steps"), "steps") ?? spec.Steps,
            Eta = _read.InRange(s.Get("eta"), "eta", 0, true, 1, true) ?? spec.Eta,
            Count = _read.PositiveInteger(s.Get("count"), "count") ?? spec.Count,
            Seed = _read.PositiveInteger(s.Get("seed"), "seed", min: 0) ?? spec.Seed,
        };
        if (s.Get("solver") is { } solver)
        {
            _read.NoMoreThan(solver, 1);
            var name = _read.Option(_read.At(solver, 0, "a solver name"), "solver", SolverNames.All.ToList());
            if (name is not null) spec = spec with { Solver = SolverNames.KindOf(name) };
        }
        if (s.Get("clip") is { } clip)
        {
            _read.NoMoreThan(clip, 1);
            var flag = _read.Option(_read.At(clip, 0, "true or false"), "clip", new[] { "true", "false" });
            if (flag is not null) spec = spec with { Clip = flag == "true" };
        }
        return _read.Diagnostics.ErrorCount == errors ? spec : null;
    }
}
