using System;
using DiffusionDsl.Cli;
using Spectre.Console;

// Threads the commands start read numbers as the calling one does (CliApp.Run): in the invariant culture.
System.Globalization.CultureInfo.DefaultThreadCurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
CliApp.UseCheckedStandardOutput();
var console = AnsiConsole.Console;
// Redirected output has no width; keep tables whole for logs and pipes.
if (Console.IsOutputRedirected) console.Profile.Width = 160;
return CliApp.Run(args, console);
