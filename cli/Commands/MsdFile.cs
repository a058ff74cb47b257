using System.IO;
using DiffusionDsl.Language;

namespace DiffusionDsl.Cli.Commands;

/// <summary>Reads and compiles one .msd file; every command that takes a model starts here.</summary>
internal sealed record MsdFile(string Path, MsdCompilation Compilation)
{
    public static MsdFile Load(string path) => new(path, MsdCompiler.Compile(File.ReadAllText(path)));
}
