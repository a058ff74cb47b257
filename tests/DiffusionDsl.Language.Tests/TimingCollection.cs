namespace DiffusionDsl.Language.Tests;

/// <summary>Tests that time the compiler run alone, after the parallel ones, so other tests' work does not skew them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "Timing";
}
