namespace DiffusionDsl.Runtime.Staging;

/// <summary>
/// One stage: diffusion times in [Start, End) (the last stage includes End = 1). The compiler's StageSpec is one, with
/// what only the compiler needs (the C# property name, the boundaries as written in sigma); the generated StageTable
/// holds these.
/// </summary>
public record StageInfo(string Name, double Start, double End);
