namespace DiffusionDsl.Runtime.Tests.Support;

/// <summary>Test classes that change the process-wide TensorStreaming.ChunkBytes: one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ChunkBytesCollection
{
    public const string Name = "TensorStreaming.ChunkBytes";
}
