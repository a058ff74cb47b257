using System.Runtime.CompilerServices;

// These types moved to DiffusionDsl.Vocabulary (vocabulary/), which the .msd compiler shares; their names and namespaces
// did not change, and model assemblies built against an earlier runtime still find them here.
[assembly: TypeForwardedTo(typeof(DiffusionDsl.Runtime.Blocks.NoiseEmbeddingKind))]
[assembly: TypeForwardedTo(typeof(DiffusionDsl.Runtime.Blocks.GroupNormRule))]
[assembly: TypeForwardedTo(typeof(DiffusionDsl.Runtime.Diffusion.PredictionTarget))]
[assembly: TypeForwardedTo(typeof(DiffusionDsl.Runtime.Sampling.SolverKind))]
[assembly: TypeForwardedTo(typeof(DiffusionDsl.Runtime.Training.StageSampling))]
[assembly: TypeForwardedTo(typeof(DiffusionDsl.Runtime.Training.MixedPrecision))]
[assembly: TypeForwardedTo(typeof(DiffusionDsl.Runtime.Networks.Level))]
[assembly: TypeForwardedTo(typeof(DiffusionDsl.Runtime.Staging.ModelCostTable))]
[assembly: TypeForwardedTo(typeof(DiffusionDsl.Runtime.Staging.StageCost))]
[assembly: TypeForwardedTo(typeof(DiffusionDsl.Runtime.Staging.StageInfo))]
