using System.Collections.Generic;
using DiffusionDsl.Runtime.Blocks;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Training;
using DiffusionDsl.Runtime.Networks;

namespace DiffusionDsl.Language.Semantics;

/// <summary>
/// The shared encoder, EDM's SongUNet layout: a 3x3 stem at the first level, a
/// downsampling residual block before every later level, and Blocks residual blocks per level; <see cref="Family"/>
/// is the .msd's word, ddpmpp, ncsnpp or adm (<see cref="EncoderFamily"/>; adm resamples with plain convs instead).
/// </summary>
/// <param name="HeadChannels">Channels per attention head (adm's default 32); 0: <paramref name="Heads"/> heads at every width.</param>
public sealed record EncoderSpec(
    string Family,
    int StemWidth,
    EquatableArray<Level> Levels,
    NoiseEmbeddingKind Embedding,
    int NoiseChannels,
    int EmbeddingChannels,
    int AugmentDim,
    double Dropout,
    int Groups,
    int Heads,
    bool MiddleInEncoder,
    int MaxGroups = GroupNormRule.EdmMaxGroups,
    int HeadChannels = 0) : IEncoderShape
{
    IReadOnlyList<Level> IEncoderShape.Levels => Levels;

    /// <summary>The heads of an attention over <paramref name="channels"/>, or null when they do not divide it.</summary>
    public int? HeadsFor(int channels) => AttentionHeads.For(channels, Heads, HeadChannels);

    /// <summary>"2 attention heads" or "32 channels per attention head", for messages.</summary>
    public string DescribeHeads() => AttentionHeads.Describe(Heads, HeadChannels);

    public EncoderFamily FamilyKind => EncoderFamilies.FromKeyword(Family);

    /// <summary>The GroupNorm rule the runtime's norms use: <c>groups G</c> fixes G; otherwise min(MaxGroups, width / 4).</summary>
    public GroupNormRule GroupNorm => new(Groups, MaxGroups);

    /// <summary>GroupNorm groups for a width, by <see cref="GroupNorm"/>.</summary>
    public int GroupsFor(int width) => GroupNorm.GroupsFor(width);

    public int BottleneckWidth => Levels[Levels.Count - 1].Width;
}

/// <summary>One stage's decoder. Levels run from the lowest resolution up to the image.</summary>
public sealed record DecoderSpec(string Stage, string PropertyName, string TypeName, EquatableArray<Level> Levels);

public sealed record TrainSpec(
    int Batch = TrainDefaults.Batch, double LearningRate = TrainDefaults.LearningRate, double WeightDecay = TrainDefaults.WeightDecay,
    int Warmup = TrainDefaults.Warmup, double GradClip = TrainDefaults.GradClip, double Ema = TrainDefaults.Ema, int EmaWarmup = TrainDefaults.EmaWarmup,
    int Accumulate = TrainDefaults.Accumulate, int Steps = TrainDefaults.Steps, StageSampling StageSampling = TrainDefaults.Sampling,
    EquatableArray<double> StageWeights = default, long Seed = TrainDefaults.Seed, int CheckpointEvery = TrainDefaults.CheckpointEvery,
    int KeepCheckpoints = TrainDefaults.KeepCheckpoints, int SampleEvery = TrainDefaults.SampleEvery, int LogEvery = TrainDefaults.LogEvery,
    double Augment = TrainDefaults.Augment, int EvalEvery = TrainDefaults.EvalEvery, int EvalCount = TrainDefaults.EvalCount,
    double? EmaHalfLifeKimg = null, double EmaRampUp = TrainDefaults.EmaRampUp, double? WarmupKimg = null,
    int StageGroups = TrainDefaults.StageGroups, bool Flip = TrainDefaults.Flip, MixedPrecision Precision = TrainDefaults.Precision);

public sealed record SampleSpec(
    SolverKind Solver = SampleDefaults.Solver, int Steps = SampleDefaults.Steps, double Eta = SampleDefaults.Eta, int Count = SampleDefaults.Count,
    long Seed = SampleDefaults.Seed, bool Clip = SampleDefaults.Clip, double? EndTime = null, double Churn = SampleDefaults.Churn,
    double ChurnMin = SampleDefaults.ChurnMin, double ChurnMax = SampleDefaults.ChurnMax, double ChurnNoise = SampleDefaults.ChurnNoise,
    TimeSpacing Spacing = SampleDefaults.Spacing);
