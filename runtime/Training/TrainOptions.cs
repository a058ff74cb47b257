namespace DiffusionDsl.Runtime.Training;

/// <summary>Training defaults; the generated trainer fills them from the .msd's train section.</summary>
public sealed record TrainOptions
{
    public int BatchSize { get; init; } = TrainDefaults.Batch;
    public double LearningRate { get; init; } = TrainDefaults.LearningRate;
    public double WeightDecay { get; init; } = TrainDefaults.WeightDecay;
    public int WarmupSteps { get; init; } = TrainDefaults.Warmup;
    /// <summary>
    /// EDM's learning-rate ramp (training_loop.py's lr_rampup_kimg; its CIFAR-10 runs: 10,000): the warm-up counted in
    /// thousands of training images, so it lasts as long whatever the batch, instead of <see cref="WarmupSteps"/> (which
    /// must then be left at 0). Null: steps.
    /// </summary>
    public double? WarmupKimg { get; init; }
    public double GradClip { get; init; } = TrainDefaults.GradClip;
    public double EmaDecay { get; init; } = TrainDefaults.Ema;
    /// <summary>
    /// score_sde's EMA warm-up, min(decay, (1 + n) / (10 + n)) after n updates, for the first this-many updates. The default
    /// warms up at every update, as the .msd's fixed decay does: without it a 0.9999 average of a short run is mostly
    /// the initial weights. 0 turns it off.
    /// </summary>
    public int EmaWarmupSteps { get; init; } = TrainDefaults.EmaWarmupAlways;
    /// <summary>
    /// EDM's EMA (training_loop.py): the average's half-life in thousands of training images (EDM: 500), instead of a fixed
    /// <see cref="EmaDecay"/>; each step's decay is then 0.5^(batch / half-life). Null: the fixed decay. With it set, an
    /// EmaDecay or EmaWarmupSteps other than the default is refused (it would not be used).
    /// </summary>
    public double? EmaHalfLifeKimg { get; init; }
    /// <summary>With <see cref="EmaHalfLifeKimg"/>, EDM's ramp-up: the half-life is at most this share of the images seen so far (0: none).</summary>
    public double EmaRampUp { get; init; } = TrainDefaults.EmaRampUp;
    public int GradAccumulation { get; init; } = TrainDefaults.Accumulate;
    public int Steps { get; init; } = TrainDefaults.Steps;
    public StageSampling StageSampling { get; init; } = TrainDefaults.Sampling;
    /// <summary>
    /// Under a one-stage-per-draw policy (<see cref="StageSampling.UniformStage"/>, <see cref="StageSampling.ScheduleProportional"/>,
    /// <see cref="StageSampling.Cyclic"/>),
    /// the batch is drawn as this many equal groups, each inside its own stage (the .msd's train `stage_groups`). The
    /// reference code draws one stage per GPU and step: its CIFAR-10 EDM run on 4 GPUs draws 4 per step of 128 images. It
    /// must divide <see cref="BatchSize"/>, and stay 1 under <see cref="StageSampling.Mixed"/>, where every sample draws its own.
    /// </summary>
    public int StageGroups { get; init; } = TrainDefaults.StageGroups;
    /// <summary>
    /// Mirror a random half of each batch's images left-right (score_sde's random_flip, on in its CIFAR-10 configs; the
    /// .msd's train `flip true`). The flips come from a generator of their own per step
    /// (<see cref="Data.RandomHorizontalFlip.ForStep"/>), so turning them on changes no other draw.
    /// </summary>
    public bool HorizontalFlip { get; init; } = TrainDefaults.Flip;
    public double[]? StageLossWeights { get; init; }
    /// <summary>
    /// EDM's non-leaking augmentation probability p (the paper's CIFAR-10 runs: 0.12); 0 turns it off. With p &gt; 0
    /// every batch goes through <see cref="Augmentation.EdmAugmentPipe"/> and the model, which must take its 9
    /// augmentation labels (the .msd's encoder `augment 9`), is told how each sample was augmented.
    /// </summary>
    public double AugmentProbability { get; init; } = TrainDefaults.Augment;
    public long Seed { get; init; } = TrainDefaults.Seed;
    public int CheckpointEvery { get; init; } = TrainDefaults.CheckpointEvery;
    /// <summary>
    /// Whether a run that stops, at <see cref="Steps"/> or cancelled after a step, saves that step (the default, so no work
    /// is lost); a caller that only times steps, such as the GPU harness, turns it off.
    /// </summary>
    public bool CheckpointAtEnd { get; init; } = true;
    public int KeepCheckpoints { get; init; } = TrainDefaults.KeepCheckpoints;
    public int SampleEvery { get; init; } = TrainDefaults.SampleEvery;
    public int LogEvery { get; init; } = TrainDefaults.LogEvery;
    /// <summary>
    /// Every this many steps (0: never) the training session samples <see cref="EvalCount"/> images with the EMA weights
    /// and writes their Frechet distance, precision and recall to quality.csv and fd.png (the .msd's train `eval_every`).
    /// </summary>
    public int EvalEvery { get; init; } = TrainDefaults.EvalEvery;
    /// <summary>Images sampled per quality evaluation (the .msd's train `eval_count`); at least 2.</summary>
    public int EvalCount { get; init; } = TrainDefaults.EvalCount;
    public string OutputDirectory { get; init; } = "runs/default";
    /// <summary>A checkpoint to continue from: a path, "latest" (the newest in OutputDirectory, if any), or null for a fresh run.</summary>
    public string? ResumeFrom { get; init; }
    /// <summary>
    /// Where to train ("cpu", "cuda", "cuda:1"). Null keeps a model that is already on a GPU where it is, and
    /// otherwise picks $DIFFUSIONDSL_DEVICE, else CUDA when available, else the CPU.
    /// </summary>
    public string? Device { get; init; }
    /// <summary>
    /// The forward pass's precision: <see cref="MixedPrecision.Auto"/> (the default) trains under bf16 autocast on CUDA and
    /// in float32 elsewhere; parameters, gradients, optimizer state and EMA are float32 in every case.
    /// </summary>
    public MixedPrecision Precision { get; init; } = MixedPrecision.Auto;
    /// <summary>
    /// How each sample's squared error over its pixels enters the gradient; null (the default) follows the model's
    /// preconditioning: <see cref="Training.LossReduction.Sum"/> for `predicts edm` (EDM's training loop), else
    /// <see cref="Training.LossReduction.Mean"/> (score_sde's reduce_mean, as the paper's multistage VP config). The logged
    /// loss is the per-pixel mean either way.
    /// </summary>
    public LossReduction? LossReduction { get; init; }
    /// <summary>The .msd's hash, stored in every checkpoint; resuming with another hash is refused.</summary>
    public string ModelHash { get; init; } = "";
}
