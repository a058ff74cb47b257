using System;
using System.Globalization;

namespace DiffusionDsl.Runtime.Training;

/// <summary>
/// The ranges the compiler holds the .msd's train section to (<see cref="TrainRanges"/>), for options set from C# (`Defaults with { ... }`), where
/// nothing else would: an EMA decay of 1.5 or a negative warm-up trained without a word, a NaN learning rate surfaced
/// only as a NaN loss. Each message names the option, its .msd setting, the range and the value.
/// </summary>
internal static class TrainOptionsCheck
{
    public static void Validate(TrainOptions o)
    {
        Check(o.BatchSize, TrainRanges.Batch, nameof(o.BatchSize));
        Check(o.LearningRate, TrainRanges.LearningRate, nameof(o.LearningRate));
        Check(o.WeightDecay, TrainRanges.WeightDecay, nameof(o.WeightDecay));
        Check(o.WarmupSteps, TrainRanges.Warmup, nameof(o.WarmupSteps));
        if (o.WarmupKimg is double warmupKimg) Check(warmupKimg, TrainRanges.WarmupKimg, nameof(o.WarmupKimg));
        Check(o.GradClip, TrainRanges.GradClip, nameof(o.GradClip));
        Check(o.EmaDecay, TrainRanges.Ema, nameof(o.EmaDecay));
        Check(o.EmaWarmupSteps, TrainRanges.EmaWarmup, nameof(o.EmaWarmupSteps));
        if (o.EmaHalfLifeKimg is double halfLife) Check(halfLife, TrainRanges.EmaHalfLifeKimg, nameof(o.EmaHalfLifeKimg));
        Check(o.EmaRampUp, TrainRanges.EmaRampUp, nameof(o.EmaRampUp));
        Check(o.GradAccumulation, TrainRanges.Accumulate, nameof(o.GradAccumulation));
        if (o.BatchSize % o.GradAccumulation != 0)
            throw new ArgumentException($"GradAccumulation ({o.GradAccumulation}) must divide BatchSize ({o.BatchSize}).", "options");
        Check(o.Steps, TrainRanges.Steps, nameof(o.Steps));
        Check(o.StageGroups, TrainRanges.StageGroups, nameof(o.StageGroups));
        if (o.BatchSize % o.StageGroups != 0)
            throw new ArgumentException($"StageGroups ({o.StageGroups}) must divide BatchSize ({o.BatchSize}) (the .msd's train stage_groups).", "options");
        if (o.StageGroups > 1 && o.StageSampling == StageSampling.Mixed)
            throw new ArgumentException($"StageGroups ({o.StageGroups}) splits the batch into groups that each draw one stage; under StageSampling.Mixed " +
                                        "every sample draws its own: set StageGroups = 1 or another policy (the .msd's train stage_groups and stage_sampling).", "options");
        Check(o.Seed, TrainRanges.Seed, nameof(o.Seed));
        Check(o.CheckpointEvery, TrainRanges.CheckpointEvery, nameof(o.CheckpointEvery));
        Check(o.KeepCheckpoints, TrainRanges.KeepCheckpoints, nameof(o.KeepCheckpoints));
        Check(o.SampleEvery, TrainRanges.SampleEvery, nameof(o.SampleEvery));
        Check(o.LogEvery, TrainRanges.LogEvery, nameof(o.LogEvery));
        Check(o.AugmentProbability, TrainRanges.Augment, nameof(o.AugmentProbability));
        Check(o.EvalEvery, TrainRanges.EvalEvery, nameof(o.EvalEvery));
        if (o.EvalEvery > 0) Check(o.EvalCount, TrainRanges.EvalCount, nameof(o.EvalCount));
        RefuseOverruled(o);
        if (o.StageLossWeights is { } weights)
            foreach (var w in weights)
                if (!(w >= 0 && w <= TrainRanges.StageWeight.Max)) // 0, which the .msd refuses, silences a stage: a C# caller may want that
                    throw new ArgumentException($"StageLossWeights must all be in [0, {Show(TrainRanges.StageWeight.Max)}] (the .msd's train stage_weights), not {Show(w)}.", "options");
    }

    /// <summary>
    /// The .msd refuses two ways of setting one thing (`ema` beside `ema_halflife_kimg`, `warmup` beside `warmup_kimg`).
    /// From C# the per-image setting wins, so a per-step value set beside it would be ignored without a word: refused
    /// instead. (Left at its default, it cannot be told apart from unset, and is allowed.)
    /// </summary>
    private static void RefuseOverruled(TrainOptions o)
    {
        if (o.EmaHalfLifeKimg is not null)
        {
            Overruled(o.EmaDecay != TrainDefaults.Ema, $"EmaDecay ({Show(o.EmaDecay)})", "EmaHalfLifeKimg", "ema", "ema_halflife_kimg");
            // Either default: TrainOptions' own (0) or the .msd's for a fixed decay (every update), which a generated model's
            // defaults carry when C# switches them to the half-life.
            Overruled(o.EmaWarmupSteps is not (TrainDefaults.EmaWarmup or TrainDefaults.EmaWarmupAlways), $"EmaWarmupSteps ({o.EmaWarmupSteps})",
                      "EmaHalfLifeKimg", "ema_warmup", "ema_halflife_kimg");
        }
        if (o.WarmupKimg is not null)
            Overruled(o.WarmupSteps != TrainDefaults.Warmup, $"WarmupSteps ({o.WarmupSteps})", "WarmupKimg", "warmup", "warmup_kimg");
    }

    private static void Overruled(bool set, string option, string winner, string setting, string winnerSetting)
    {
        if (set)
            throw new ArgumentException($"{option} is not used when {winner} is set: set {winner} = null to use it, or leave it at its default " +
                                        $"(the .msd's train {setting} and {winnerSetting}: one of them).", "options");
    }

    private static void Check(double value, SettingRange range, string option) => SettingRangeCheck.Require(value, range, option, "train");

    private static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
