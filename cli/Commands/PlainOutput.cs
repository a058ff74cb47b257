using Spectre.Console;

namespace DiffusionDsl.Cli.Commands;

internal static class PlainOutput
{
    /// <summary>Writes a line as is: Spectre would wrap it at the console width, breaking `file(line,col): error` lines for tools that parse them.</summary>
    public static void Line(this IAnsiConsole console, string text) => console.Profile.Out.Writer.WriteLine(text);
}
