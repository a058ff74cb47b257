namespace DiffusionDsl.Runtime.Training;

/// <summary>The ranges of the train section's numeric settings, one place for the compiler and the runtime.</summary>
public static class TrainRanges
{
    public static readonly SettingRange Batch = SettingRange.Count("batch", 1);
    public static readonly SettingRange LearningRate = SettingRange.Between("lr", 0, false, 10, true);
    public static readonly SettingRange WeightDecay = SettingRange.Between("weight_decay", 0, true, 10, true);
    public static readonly SettingRange Warmup = SettingRange.Count("warmup", 0);
    public static readonly SettingRange WarmupKimg = SettingRange.Between("warmup_kimg", 0, true, 1e9, true, zeroMeans: "no warm-up");
    public static readonly SettingRange GradClip = SettingRange.Between("clip", 0, true, 1e9, true, zeroMeans: "no clipping");
    public static readonly SettingRange Ema = SettingRange.Between("ema", 0, false, 1, false);
    public static readonly SettingRange EmaWarmup = SettingRange.Count("ema_warmup", 0);
    public static readonly SettingRange EmaHalfLifeKimg = SettingRange.Between("ema_halflife_kimg", 0, false, 1e9, true);
    public static readonly SettingRange EmaRampUp = SettingRange.Between("ema_rampup", 0, true, 1, true, zeroMeans: "no ramp-up");
    public static readonly SettingRange Accumulate = SettingRange.Count("accumulate", 1);
    public static readonly SettingRange Steps = SettingRange.Count("steps", 1);
    public static readonly SettingRange StageGroups = SettingRange.Count("stage_groups", 1, meaning: "groups of the batch that each draw their own stage");
    public static readonly SettingRange Seed = SettingRange.Count("seed", 0);
    public static readonly SettingRange CheckpointEvery = SettingRange.Count("checkpoint_every", 0, zeroMeans: "no checkpoints but the last");
    public static readonly SettingRange KeepCheckpoints = SettingRange.Count("keep", 1);
    public static readonly SettingRange SampleEvery = SettingRange.Count("sample_every", 0, zeroMeans: "no preview grids");
    public static readonly SettingRange LogEvery = SettingRange.Count("log_every", 0, zeroMeans: "every step");
    public static readonly SettingRange Augment = SettingRange.Between("augment", 0, true, 1, true, meaning: "the augmentation probability");
    public static readonly SettingRange EvalEvery = SettingRange.Count("eval_every", 0, zeroMeans: "no evaluations");
    // Two images are the fewest with a covariance; Frechet distances from few images are only rough.
    public static readonly SettingRange EvalCount = SettingRange.Count("eval_count", 2, meaning: "images sampled per evaluation");
    /// <summary>
    /// The largest and (in the .msd, which refuses 0) smallest stage loss weight: the trainer multiplies the losses by them in
    /// float32, where 1e39 is infinite and 1e-50 is 0, and only their ratios matter.
    /// </summary>
    public static class StageWeight
    {
        public const double Min = 1e-6, Max = 1e6;
    }
}
