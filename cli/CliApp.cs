using System;
using System.CommandLine;
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
        try
        {
            return Build(console).Parse(args).Invoke(new InvocationConfiguration
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
