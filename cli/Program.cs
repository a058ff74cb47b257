using System;
using DiffusionDsl.Cli;
using Spectre.Console;

CliApp.UseCheckedStandardOutput();
var console = AnsiConsole.Console;
// Redirected output has no width; keep tables whole for logs and pipes.
if (Console.IsOutputRedirected) console.Profile.Width = 160;
return CliApp.Run(args, console);
