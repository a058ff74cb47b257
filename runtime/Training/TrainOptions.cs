namespace DiffusionDsl.Runtime.Training;

/// <summary>How a batch chooses the stages of its samples.</summary>
public enum StageSampling
{
    /// <summary>One stage per batch, chosen uniformly; t uniform inside it (the paper's DPM-Solver runs).</summary>
    UniformStage,
    /// <summary>One stage per batch, in proportion to the schedule's own training distribution (the EDM runs).</summary>
    ScheduleProportional,
    /// <summary>Every sample draws its own t; batches mix stages.</summary>
    Mixed,
}

/// <summary>Training defaults; the generated trainer fills them from the .msd's train section.</summary>
public sealed record TrainOptions
{
    public int BatchSize { get; init; } = 64;
    public double LearningRate { get; init; } = 2e-4;
    public double WeightDecay { get; init; } = 0.0;
    public int WarmupSteps { get; init; } = 0;
    public double GradClip { get; init; } = 1.0;
    public double EmaDecay { get; init; } = 0.9999;
    public int EmaWarmupSteps { get; init; } = 0;
    public int GradAccumulation { get; init; } = 1;
    public int Steps { get; init; } = 1000;
    public StageSampling StageSampling { get; init; } = StageSampling.UniformStage;
    public double[]? StageLossWeights { get; init; }
    /// <summary>
    /// EDM's non-leaking augmentation probability p (the paper's CIFAR-10 runs: 0.12); 0 turns it off. With p &gt; 0
    /// every batch goes through <see cref="Augmentation.EdmAugmentPipe"/> and the model, which must take its 9
    /// augmentation labels (the .msd's encoder `augment 9`), is told how each sample was augmented.
    /// </summary>
    public double AugmentProbability { get; init; } = 0;
    public long Seed { get; init; } = 0;
    public int CheckpointEvery { get; init; } = 500;
    public int KeepCheckpoints { get; init; } = 3;
    public int SampleEvery { get; init; } = 0;
    public int LogEvery { get; init; } = 10;
    /// <summary>
    /// Every this many steps (0: never) the training session samples <see cref="EvalCount"/> images with the EMA weights
    /// and writes their Frechet distance, precision and recall to quality.csv and fd.png (the .msd's train `eval_every`).
    /// </summary>
    public int EvalEvery { get; init; } = 0;
    /// <summary>Images sampled per quality evaluation (the .msd's train `eval_count`); at least 2.</summary>
    public int EvalCount { get; init; } = 500;
    public string OutputDirectory { get; init; } = "runs/default";
    /// <summary>A checkpoint to continue from: a path, "latest" (the newest in OutputDirectory, if any), or null for a fresh run.</summary>
    public string? ResumeFrom { get; init; }
    /// <summary>
    /// Where to train ("cpu", "cuda", "cuda:1"). Null keeps a model that is already on a GPU where it is, and
    /// otherwise picks $DIFFUSIONDSL_DEVICE, else CUDA when available, else the CPU.
    /// </summary>
    public string? Device { get; init; }
    /// <summary>The .msd's hash, stored in every checkpoint; resuming with another hash is refused.</summary>
    public string ModelHash { get; init; } = "";
}
