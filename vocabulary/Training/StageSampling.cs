namespace DiffusionDsl.Runtime.Training;

/// <summary>How a batch chooses the stages of its samples.</summary>
public enum StageSampling
{
    /// <summary>One stage per batch (per stage group, with StageGroups), chosen uniformly; t uniform inside it (the paper's DPM-Solver runs).</summary>
    UniformStage,
    /// <summary>One stage per batch (per stage group, with StageGroups), in proportion to the schedule's own training distribution (the EDM runs).</summary>
    ScheduleProportional,
    /// <summary>Every sample draws its own t; batches mix stages.</summary>
    Mixed,

    /// <summary>
    /// The stages in turn, one per group: group g of step s trains stage (s x groups + g) mod stages, t as under
    /// UniformStage inside it. With as many groups as stages every step trains every stage once, as the reference's LDM
    /// runs do (each GPU its own stage: rank mod 3).
    /// </summary>
    Cyclic,
}

/// <summary>The .msd's names of the stage-sampling policies (`stage_sampling uniform|proportional|mixed|cyclic`).</summary>
public static class StageSamplingNames
{
    public static readonly System.Collections.Generic.IReadOnlyDictionary<string, StageSampling> ByName = new System.Collections.Generic.Dictionary<string, StageSampling>
    {
        ["uniform"] = StageSampling.UniformStage, ["proportional"] = StageSampling.ScheduleProportional, ["mixed"] = StageSampling.Mixed,
        ["cyclic"] = StageSampling.Cyclic,
    };

    /// <summary>The name the .msd writes <paramref name="policy"/> with.</summary>
    public static string Of(StageSampling policy) => System.Linq.Enumerable.First(ByName, pair => pair.Value == policy).Key;
}

/// <summary>
/// The training defaults: the .msd's train section without a setting, and TrainOptions. The .msd's differ in three ways,
/// to train as the reference code does: an edm(...) model draws its stages proportionally (EDM's loss), clips nothing
/// and averages its weights with EDM's half-life (<see cref="EdmEmaHalfLifeKimg"/>). Both give a fixed decay score_sde's
/// warm-up at every update (<see cref="EmaWarmupAlways"/>), so the average follows a short run.
/// </summary>
public static class TrainDefaults
{
    public const int Batch = 64;
    public const double LearningRate = 2e-4;
    public const double WeightDecay = 0.0;
    public const int Warmup = 0;
    public const double GradClip = 1.0;
    public const double Ema = 0.9999;
    public const int EmaWarmup = 0;
    /// <summary>
    /// An `ema_warmup` that never ends: score_sde's min(decay, (1 + n) / (10 + n)) at every update (its EMA's
    /// use_num_updates), the .msd's default for a fixed decay.
    /// </summary>
    public const int EmaWarmupAlways = int.MaxValue;
    /// <summary>EDM's EMA half-life in thousands of images (training_loop.py's ema_halflife_kimg), an edm(...) model's default.</summary>
    public const double EdmEmaHalfLifeKimg = 500;
    /// <summary>EDM's ema_rampup_ratio: with a half-life, the half-life is at most this share of the images seen so far.</summary>
    public const double EmaRampUp = 0.05;
    public const int Accumulate = 1;
    public const int Steps = 1000;
    public const StageSampling Sampling = StageSampling.UniformStage;
    public const int StageGroups = 1;
    public const double Augment = 0;
    public const bool Flip = false;
    public const MixedPrecision Precision = MixedPrecision.Auto;
    public const long Seed = 0;
    public const int CheckpointEvery = 500;
    public const int KeepCheckpoints = 3;
    public const int SampleEvery = 0;
    public const int LogEvery = 10;
    public const int EvalEvery = 0;
    public const int EvalCount = 500;
}
