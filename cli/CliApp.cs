using System;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using System.IO;
using DiffusionDsl.Cli.Commands;
using Spectre.Console;

namespace DiffusionDsl.Cli;

/// <summary>The `msd` command line: parses arguments and hands them to one command class.</summary>
public static class CliApp
{
    /// <summary>
    /// Runs one command; usage errors go to <paramref name="errors"/> (standard error by default), as does an output that
    /// cannot be written (see <see cref="UseCheckedStandardOutput"/>) and, with its stack trace, any other exception.
    /// </summary>
    public static int Run(string[] args, IAnsiConsole console, TextWriter? errors = null)
    {
        errors ??= Console.Error;
        // "--lr 0.001" means the same on every machine, as numbers in an .msd do: the options parse (and the reports
        // print) in the invariant culture, not the user's, where '.' may group thousands (de-DE reads 0.001 as 1).
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            var parsed = Build(console).Parse(args);
            // A value the parser cannot read is said in the user's words, with where to find the options; other parse
            // errors (a missing required option, a bare `msd`) keep System.CommandLine's message and help.
            var friendly = parsed.Errors.Select(e => ParseErrorText.Friendly(e.Message)).ToList();
            var commas = ParseErrorText.DecimalCommas(parsed.CommandResult).ToList();
            if (commas.Count > 0 || !friendly.SequenceEqual(parsed.Errors.Select(e => e.Message)))
            {
                foreach (var message in friendly.Concat(commas)) errors.WriteLine($"error: {message}");
                errors.WriteLine($"('msd {string.Join(' ', CommandPath(parsed.CommandResult))} --help' lists the options.)");
                return 1;
            }
            return parsed.Invoke(new InvocationConfiguration
            {
                Output = console.Profile.Out.Writer, Error = errors, EnableDefaultExceptionHandler = false,
            });
        }
        catch (StandardOutputException e)
        {
            errors.WriteLine($"msd: error: {e.Message}");
            return 1;
        }
        catch (Exception e)
        {
            errors.WriteLine($"Unhandled exception: {e}");
            return 1;
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    private static System.Collections.Generic.IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult? result)
    {
        var names = new System.Collections.Generic.List<string>();
        for (var command = result; command?.Parent is System.CommandLine.Parsing.CommandResult parent; command = parent) names.Insert(0, command.Command.Name);
        return names;
    }

    /// <summary>
    /// Puts <see cref="StandardOutputWriter"/> in front of <see cref="Console.Out"/>; call before the console is made.
    /// Spectre still sees the standard output (it compares writers with Console.Out), so a terminal keeps its colours.
    /// </summary>
    public static void UseCheckedStandardOutput() => Console.SetOut(new StandardOutputWriter(Console.Out));

    public static RootCommand Build(IAnsiConsole console) =>
        new("msd: check, inspect, cluster, train, sample and evaluate multistage diffusion .msd models; serve them to editors (lsp)")
        {
            CheckCommand.Create(console),
            InfoCommand.Create(console),
            ClusterCommand.Create(console),
            TrainCommand.Create(console),
            SampleCommand.Create(console),
            EvaluateCommand.Create(console),
            ExportCommand.Create(console),
            LspCommand.Create(),
        };
}
