namespace DiffusionDsl.Language.Semantics;

public enum NoiseEmbeddingKind { Positional, Fourier }

/// <summary>One resolution level: its residual blocks' width and count, and whether its blocks attend.</summary>
public sealed record LevelSpec(int Resolution, int Width, int Blocks, bool Attention);

/// <summary>
/// The shared encoder, EDM's SongUNet (DDPM++) layout: a 3x3 stem at the first level, a
/// downsampling residual block before every later level, and Blocks residual blocks per level.
/// </summary>
public sealed record EncoderSpec(
    string Family,
    int StemWidth,
    EquatableArray<LevelSpec> Levels,
    NoiseEmbeddingKind Embedding,
    int NoiseChannels,
    int EmbeddingChannels,
    int AugmentDim,
    double Dropout,
    int Groups,
    int Heads,
    bool MiddleInEncoder,
    int MaxGroups = EncoderSpec.EdmMaxGroups)
{
    public const int EdmMaxGroups = 32;

    /// <summary>GroupNorm groups for a width: explicit, or EDM's min(MaxGroups, width / 4). Must agree with runtime/Blocks/GroupNorm.cs.</summary>
    public int GroupsFor(int width) => Groups > 0 ? Groups : System.Math.Max(1, System.Math.Min(MaxGroups, width / 4));

    public int BottleneckWidth => Levels[Levels.Count - 1].Width;
}

/// <summary>One stage's decoder. Levels run from the lowest resolution up to the image.</summary>
public sealed record DecoderSpec(string Stage, string PropertyName, string TypeName, EquatableArray<LevelSpec> Levels);

public sealed record TrainSpec(
    int Batch = 64, double LearningRate = 2e-4, double WeightDecay = 0, int Warmup = 0, double GradClip = 1.0,
    double Ema = 0.9999, int EmaWarmup = 0, int Accumulate = 1, int Steps = 1000, string StageSampling = "UniformStage",
    EquatableArray<double> StageWeights = default, long Seed = 0, int CheckpointEvery = 500, int KeepCheckpoints = 3,
    int SampleEvery = 0, int LogEvery = 10, double Augment = 0, int EvalEvery = 0, int EvalCount = 500);

public sealed record SampleSpec(string Solver = "DpmSolver3", int Steps = 20, double Eta = 0, int Count = 64, long Seed = 0, bool Clip = false);
