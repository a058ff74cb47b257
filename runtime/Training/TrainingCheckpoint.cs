using System;
using System.Linq;
using System.Text;
using DiffusionDsl.Runtime.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;

namespace DiffusionDsl.Runtime.Training;

/// <summary>
/// A training checkpoint's contents beyond the file format: the weights, the EMA, the optimizer, the step, the random
/// generators, the data source's position, the per-stage sample counts, the stage-sampling policy, the gradient scale and the training time so far, written from and restored into the
/// trainer's objects. <see cref="MultistageTrainer"/> decides when; this decides what.
/// </summary>
internal static class TrainingCheckpoint
{
    private const string DataState = "data";
    private const string StageSamplesState = "stage_samples";
    private const string TrainingTimeState = "training_seconds";
    private const string StageSamplingState = "stage_sampling";
    private const string GradientScaleState = "gradient_scale";
    private const string RecipeState = "clip_and_ema";
    private const string SeedState = "seed";
    private const string BatchAndLearningRateState = "batch_and_lr";
    private const string DataFingerprintState = "data_fingerprint";

    /// <summary>Writes the checkpoint atomically (settling the EMA first, so the saved average is the applied one).</summary>
    public static void Write(string path, string modelHash, long step, torch.nn.Module module, ParameterEma ema, AdamW optimizer,
                             torch.Generator generator, IBatchSource? data, long[] stageSamples, StageSampling stageSampling, TimeSpan trainingTime,
                             double gradientScale, string recipe, string batchAndLearningRate, long seed)
    {
        var states = TrainingRandomState.Capture(generator);
        if (data is IResumableBatchSource resumable) states.Add(new(DataState, resumable.SaveState()));
        states.Add(new(StageSamplesState, stageSamples.SelectMany(BitConverter.GetBytes).ToArray()));
        states.Add(new(TrainingTimeState, BitConverter.GetBytes(trainingTime.TotalSeconds)));
        states.Add(new(StageSamplingState, Encoding.UTF8.GetBytes(StageSamplingNames.Of(stageSampling))));
        states.Add(new(GradientScaleState, BitConverter.GetBytes(gradientScale)));
        states.Add(new(RecipeState, Encoding.UTF8.GetBytes(recipe)));
        states.Add(new(BatchAndLearningRateState, Encoding.UTF8.GetBytes(batchAndLearningRate)));
        states.Add(new(SeedState, BitConverter.GetBytes(seed)));
        if (data is IFingerprintedBatchSource fingerprinted) states.Add(new(DataFingerprintState, Encoding.UTF8.GetBytes(fingerprinted.Fingerprint)));
        ema.Settle();
        var checkpoint = new CheckpointData(modelHash, step, module.state_dict().ToList(), ema.State, states);
        CheckpointFile.Write(path, checkpoint, writer => optimizer.save_state_dict(writer));
    }

    /// <summary>
    /// What a checkpoint restores beside the weights: the step, the data position to hand the next data source (null when
    /// none was saved), the training time so far, the gradient scale the optimizer's moments were accumulated under (1, the
    /// per-pixel mean, for checkpoints from before it was kept), and, null in checkpoints from before each was kept, the
    /// recipe the run trained with (<see cref="TrainingRecipeText.Recorded"/>: clip, EMA, flips, precision), its batch and
    /// learning rate (<see cref="TrainingRecipeText.BatchAndLearningRate"/>), its seed and its data (<see cref="IFingerprintedBatchSource"/>).
    /// </summary>
    public sealed record Restored(long Step, byte[]? DataState, TimeSpan TrainingTime, double GradientScale, string? Recipe,
                                  string? BatchAndLearningRate, long? Seed, string? DataFingerprint);

    /// <summary>
    /// Restores weights, EMA, optimizer, RNGs and <paramref name="stageSamples"/>, and returns the rest (<see cref="Restored"/>).
    /// Throws <see cref="CheckpointException"/> naming the first problem, before restoring anything when the run was trained
    /// under another stage-sampling policy than <paramref name="stageSampling"/>.
    /// </summary>
    public static Restored Read(string path, string modelHash, torch.nn.Module module, ParameterEma ema, AdamW optimizer,
                                                      torch.Generator generator, long[] stageSamples, StageSampling stageSampling)
    {
        using var checkpoint = CheckpointFile.Open(path);
        var data = checkpoint.Data;
        // Another model's checkpoint is that first; then a run of this model trained under another policy.
        var modelState = CheckpointWeights.Checked(module, path, data, modelHash);
        RequireStageSampling(path, Saved(data, StageSamplingState), stageSampling);
        try
        {
            CheckpointWeights.Copy(modelState, path, data, ema: false);
            ema.Load(data.Ema);
            checkpoint.ReadOptimizerState(reader => optimizer.load_state_dict(reader));
            TrainingRandomState.Restore(path, data.RandomStates, generator);
            var dataState = Saved(data, DataState);
            RestoreStageSamples(Saved(data, StageSamplesState), stageSamples);
            return new Restored(data.Step, dataState, TrainingTimeOf(Saved(data, TrainingTimeState)),
                    GradientScaleOf(Saved(data, GradientScaleState)),
                    Saved(data, RecipeState) is { } recipe ? Encoding.UTF8.GetString(recipe) : null,
                    Saved(data, BatchAndLearningRateState) is { } batch ? Encoding.UTF8.GetString(batch) : null,
                    Saved(data, SeedState) is { Length: 8 } seed ? BitConverter.ToInt64(seed) : null,
                    Saved(data, DataFingerprintState) is { } fingerprint ? Encoding.UTF8.GetString(fingerprint) : null);
        }
        catch (Exception e) when (e is not CheckpointException)
        {
            throw new CheckpointException(path, $"cannot be restored: {e.Message}", e);
        }
    }

    /// <summary>
    /// A resumed run goes on drawing its stages as it drew them: which stages its decoders trained on is the run's, as the
    /// step is. A default that changes between the two (as an edm model's did, from uniform to proportional) would
    /// otherwise switch the policy without a word. Checkpoints from before the policy was kept carry no record and pass.
    /// </summary>
    private static void RequireStageSampling(string path, byte[]? saved, StageSampling current)
    {
        if (saved is null) return;
        var trained = Encoding.UTF8.GetString(saved);
        var asked = StageSamplingNames.Of(current);
        if (trained != asked)
            throw new CheckpointException(path,
                $"its run was trained with `stage_sampling {trained}`, and this run asks for `stage_sampling {asked}`: write " +
                $"`stage_sampling {trained}` in the .msd's train section (TrainOptions.StageSampling) to continue it as it was " +
                "trained, or train in another folder to start a new run.");
    }

    // Checkpoints written before the training time was kept have none: their run's clock restarts at zero, as it used to.
    private static TimeSpan TrainingTimeOf(byte[]? saved) =>
        saved is { Length: 8 } && BitConverter.ToDouble(saved, 0) is var seconds && double.IsFinite(seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.Zero;

    /// <summary>The state saved under <paramref name="key"/>, or null (a checkpoint from before it was kept).</summary>
    private static byte[]? Saved(CheckpointData data, string key) => data.RandomStates.FirstOrDefault(s => s.Key == key).Value;

    private static double GradientScaleOf(byte[]? saved) =>
        saved is { Length: 8 } && BitConverter.ToDouble(saved, 0) is var scale && double.IsFinite(scale) && scale > 0 ? scale : 1.0;

    private static void RestoreStageSamples(byte[]? saved, long[] stageSamples)
    {
        // Every checkpoint this format admits (DDCKPT02) is written by Write, which stores the counts.
        if (saved is null || saved.Length != 8 * stageSamples.Length)
            throw new FormatException($"its per-stage sample counts are missing or are not for {stageSamples.Length} stages.");
        for (int k = 0; k < stageSamples.Length; k++) stageSamples[k] = BitConverter.ToInt64(saved, 8 * k);
    }
}
