using System;
using System.ComponentModel;
using System.IO;
using DiffusionDsl.Cli.Hosting;
using DiffusionDsl.Runtime.Checkpoints;
using DiffusionDsl.Runtime.Data;
using DiffusionDsl.Runtime.Training;
using Spectre.Console;

namespace DiffusionDsl.Cli.Commands;

/// <summary>Turns the errors a user can cause (bad paths, files, options) into one `error:` line and exit code 1.</summary>
internal static class CommandErrors
{
    public static int Guard(IAnsiConsole console, Func<int> run)
    {
        try
        {
            return run();
        }
        catch (Exception e) when (e is ModelAssemblyException or TorchNativesException or DataFormatException or CheckpointException or TrainingDivergedException
                                      or FormatException or ArgumentException or IOException or UnauthorizedAccessException
                                      or System.Runtime.InteropServices.ExternalException or OutOfMemoryException)
        {
            // ExternalException is TorchSharp's for every native error (a CUDA device out of memory among them; Win32Exception too).
            console.Line($"error: {e.Message}");
            if (e.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase) || e is OutOfMemoryException)
                console.Line("note: out of memory: a smaller --batch (with the train section's accumulate to keep the batch), --count or --limit needs less");
            return 1;
        }
    }
}
