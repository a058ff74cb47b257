using System;
using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Networks;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Staging;
using DiffusionDsl.Runtime.Training;

namespace DiffusionDsl.Runtime.Hosting;

/// <summary>
/// A generated model described as data: what a tool such as <c>msd train</c> or <c>msd sample</c> needs
/// to drive it from a built assembly without compiling against its types. Every generated model
/// exposes one as its static <c>Info</c> property.
/// </summary>
public sealed record MsdModelInfo(
    string Name,
    string SourceFile,
    int ImageChannels,
    int ImageSize,
    PredictionTarget Prediction,
    string SourceHash,
    StageTable Table,
    ModelCostTable Cost,
    TrainOptions TrainDefaults,
    SampleOptions SampleDefaults,
    Func<MultistageUNet> Create);
