using System.CommandLine;
using DiffusionDsl.Cli.Commands;
using Spectre.Console;

namespace DiffusionDsl.Cli;

/// <summary>The `msd` command line: parses arguments and hands them to one command class.</summary>
public static class CliApp
{
    public static int Run(string[] args, IAnsiConsole console) => Build(console).Parse(args).Invoke();

    public static RootCommand Build(IAnsiConsole console) =>
        new("msd: check, inspect and cluster multistage diffusion .msd models")
        {
            CheckCommand.Create(console),
            InfoCommand.Create(console),
            ClusterCommand.Create(console),
        };
}
