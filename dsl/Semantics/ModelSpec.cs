using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Staging;

namespace DiffusionDsl.Language.Semantics;

/// <summary>The checked meaning of an .msd file: everything the emitter and the cost model need.</summary>
public sealed record ModelSpec(
    string Name,
    string? Namespace,
    ImageShape Image,
    ScheduleSpec Schedule,
    PredictionTarget Prediction,
    EquatableArray<StageSpec> Stages,
    EncoderSpec Encoder,
    EquatableArray<DecoderSpec> Decoders,
    TrainSpec Train,
    SampleSpec Sample);

public sealed record ImageShape(int Channels, int Height, int Width);

/// <summary>
/// One stage, with its boundaries in diffusion time t (0 = data, 1 = noise). <paramref name="Sigma"/> holds
/// the boundaries as the .msd wrote them when the stages were given `in sigma`, and is null otherwise.
/// </summary>
public sealed record StageSpec(string Name, string PropertyName, double Start, double End, SigmaRange? Sigma = null) : StageInfo(Name, Start, End);

/// <summary>A stage's boundaries in noise level sigma, as written in the .msd.</summary>
public sealed record SigmaRange(double Start, double End);
