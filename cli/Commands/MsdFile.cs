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

    /// <summary><see cref="Load"/>, or null after saying on <paramref name="console"/> why the file cannot be read (no permission, say).</summary>
    public static MsdFile? Read(string path, Spectre.Console.IAnsiConsole console)
    {
        try
        {
            return Load(path);
        }
        catch (System.Exception e) when (e is IOException or System.UnauthorizedAccessException)
        {
            console.Line($"{path}: error: it cannot be read ({e.Message})");
            return null;
        }
    }

    /// <summary>The hash the generated model and its checkpoints carry (<see cref="ModelHash"/>); null when the file does not compile.</summary>
    public string? Hash => Compilation.Model is { } model ? ModelHash.Of(model) : null;
}
