using System.IO;
using Spectre.Console;

namespace DiffusionDsl.Cli.Tests;

/// <summary>A Spectre console that records plain text, wide enough that tables never wrap.</summary>
internal sealed class RecordingConsole
{
    private readonly StringWriter _writer = new();

    public IAnsiConsole Console { get; }

    public RecordingConsole()
    {
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(_writer),
            Interactive = InteractionSupport.No,
        });
        Console.Profile.Width = 200;
    }

    /// <summary>Where usage errors go too, for <c>CliApp.Run(args, Console, Writer)</c>.</summary>
    public TextWriter Writer => _writer;

    public string Text => _writer.ToString();
}
