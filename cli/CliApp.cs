using System;
using System.CommandLine;
using System.IO;
using DiffusionDsl.Cli.Commands;
using Spectre.Console;

namespace DiffusionDsl.Cli;

/// <summary>The `msd` command line: parses arguments and hands them to one command class.</summary>
public static class CliApp
{
    /// <summary>Runs one command; usage errors go to <paramref name="errors"/> (standard error by default).</summary>
    public static int Run(string[] args, IAnsiConsole console, TextWriter? errors = null) =>
        Build(console).Parse(args).Invoke(new InvocationConfiguration { Output = console.Profile.Out.Writer, Error = errors ?? Console.Error });

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
