namespace DiffusionDsl.Runtime.Tests.Support;

/// <summary>
/// Tests that depend on the exact draws of torch's global generator, which every test in the process shares: they run
/// alone, since another test drawing from it in parallel would shift their draws.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalGeneratorCollection
{
    public const string Name = "torch's global generator";
}
