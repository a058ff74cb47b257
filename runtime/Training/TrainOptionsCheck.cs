using System;
using System.Globalization;

namespace DiffusionDsl.Runtime.Training;

/// <summary>
/// The ranges the compiler holds the .msd's train section to, for options set from C# (`Defaults with { ... }`), where
/// nothing else would: an EMA decay of 1.5 or a negative warm-up trained without a word, a NaN learning rate surfaced
/// only as a NaN loss. Each message names the option, its .msd setting, the range and the value.
/// </summary>
internal static class TrainOptionsCheck
{
    public static void Validate(TrainOptions o)
    {
        AtLeast(o.BatchSize, 1, nameof(o.BatchSize), "batch");
        InRange(o.LearningRate, 0, false, 10, true, nameof(o.LearningRate), "lr");
        InRange(o.WeightDecay, 0, true, 10, true, nameof(o.WeightDecay), "weight_decay");
        AtLeast(o.WarmupSteps, 0, nameof(o.WarmupSteps), "warmup");
        if (o.WarmupKimg is double warmupKimg) InRange(warmupKimg, 0, true, 1e9, true, nameof(o.WarmupKimg), "warmup_kimg");
        InRange(o.GradClip, 0, true, 1e9, true, nameof(o.GradClip), "clip");
        InRange(o.EmaDecay, 0, false, 1, false, nameof(o.EmaDecay), "ema");
        AtLeast(o.EmaWarmupSteps, 0, nameof(o.EmaWarmupSteps), "ema_warmup");
        if (o.EmaHalfLifeKimg is double halfLife) InRange(halfLife, 0, false, 1e9, true, nameof(o.EmaHalfLifeKimg), "ema_halflife_kimg");
        InRange(o.EmaRampUp, 0, true, 1, true, nameof(o.EmaRampUp), "ema_rampup");
        AtLeast(o.GradAccumulation, 1, nameof(o.GradAccumulation), "accumulate");
        if (o.BatchSize % o.GradAccumulation != 0)
            throw new ArgumentException($"GradAccumulation ({o.GradAccumulation}) must divide BatchSize ({o.BatchSize}).", "options");
        AtLeast(o.Steps, 1, nameof(o.Steps), "steps");
        AtLeast(o.Seed, 0, nameof(o.Seed), "seed");
        AtLeast(o.CheckpointEvery, 0, nameof(o.CheckpointEvery), "checkpoint_every", zero: "no checkpoints but the last");
        AtLeast(o.KeepCheckpoints, 1, nameof(o.KeepCheckpoints), "keep");
        AtLeast(o.SampleEvery, 0, nameof(o.SampleEvery), "sample_every", zero: "no preview grids");
        AtLeast(o.LogEvery, 0, nameof(o.LogEvery), "log_every", zero: "every step");
        InRange(o.AugmentProbability, 0, true, 1, true, nameof(o.AugmentProbability), "augment");
        AtLeast(o.EvalEvery, 0, nameof(o.EvalEvery), "eval_every", zero: "no evaluations");
        if (o.EvalEvery > 0) AtLeast(o.EvalCount, 2, nameof(o.EvalCount), "eval_count");
        if (o.StageLossWeights is { } weights)
            foreach (var w in weights)
                if (!(w >= 0) || double.IsInfinity(w)) // 0, which the .msd refuses, silences a stage: a C# caller may want that
                    throw new ArgumentException($"StageLossWeights must all be finite and at least 0 (the .msd's train stage_weights), not {Show(w)}.", "options");
    }

    private static void AtLeast(long value, long min, string name, string setting, string? zero = null)
    {
        if (value >= min) return;
        string meaning = zero is null ? "" : $"; 0 means {zero}";
        throw new ArgumentException($"{name} must be at least {min} (the .msd's train {setting}{meaning}), not {value}.", "options");
    }

    private static void InRange(double value, double low, bool lowIncluded, double high, bool highIncluded, string name, string setting)
    {
        bool above = lowIncluded ? value >= low : value > low;
        bool below = highIncluded ? value <= high : value < high;
        if (above && below) return; // NaN is neither
        string range = $"{(lowIncluded ? "[" : "(")}{Show(low)}, {Show(high)}{(highIncluded ? "]" : ")")}";
        throw new ArgumentException($"{name} must be in {range} (the .msd's train {setting}), not {Show(value)}.", "options");
    }

    private static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
