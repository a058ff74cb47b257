using System;
using System.CommandLine;
using DiffusionDsl.Cli.Lsp;

namespace DiffusionDsl.Cli.Commands;

/// <summary>`msd lsp`: the .msd language server on standard input and output (editors start it; see editors/vscode).</summary>
public static class LspCommand
{
    public static Command Create()
    {
        var command = new Command("lsp", "Run the .msd language server on standard input and output (JSON-RPC, for editors)");
        command.SetAction(_ => LspHost.RunAsync(Console.OpenStandardInput(), Console.OpenStandardOutput()).GetAwaiter().GetResult());
        return command;
    }
}
