using System.IO;
using DiffusionDsl.Language;

namespace DiffusionDsl.Cli.Commands;

/// <summary>Reads and compiles one .msd file; every command that takes a model starts here.</summary>
internal sealed record MsdFile(string Path, string Text, MsdCompilation Compilation)
{
    public static MsdFile Load(string path)
    {
        var text = File.ReadAllText(path);
        return new(path, text, MsdCompiler.Compile(text));
    }

    /// <summary>The hash the generated model and its checkpoints carry (<see cref="ModelHash"/>); null when the file does not compile.</summary>
    public string? Hash => Compilation.Model is { } model ? ModelHash.Of(model) : null;
}
