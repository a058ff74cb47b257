using System.CommandLine;
using System.IO;
using System.Linq;
using DiffusionDsl.Language.Diagnostics;
using Spectre.Console;

namespace DiffusionDsl.Cli.Commands;

/// <summary>`msd check FILE.msd`: the compiler's diagnostics in the `file(line,col): error MSD0000: message` form, no build needed.</summary>
public static class CheckCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var file = new Argument<string>("file") { Description = "The .msd file to check" };
        var command = new Command("check", "Report the diagnostics of an .msd file (exit code 1 on errors)") { file };
        command.SetAction(parsed => Run(parsed.GetValue(file)!, console));
        return command;
    }

    public static int Run(string path, IAnsiConsole console)
    {
        if (MsdPath.Problem(path) is { } problem)
        {
            console.Line($"{path}: error: {problem}");
            return 1;
        }
        if (MsdFile.Read(path, console) is not { } file) return 1;
        var compilation = file.Compilation;
        // In the file's order, as an editor lists them (the checks report by phase: a later line's error may come first).
        foreach (var diagnostic in compilation.Diagnostics.OrderBy(d => d.Span.Start)) console.Line(diagnostic.Format(path));
        int errors = 0, warnings = 0;
        foreach (var d in compilation.Diagnostics)
        {
            if (d.IsError) errors++;
            else if (d.Severity == DiagnosticSeverity.Warning) warnings++;
        }
        console.Line($"{path}: {errors} error(s), {warnings} warning(s)");
        return errors > 0 ? 1 : 0;
    }
}
