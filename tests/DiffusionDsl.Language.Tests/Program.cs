using System;

namespace DiffusionDsl.Language.Tests;

/// <summary>
/// The test assembly's entry point (GenerateProgramFile is off). The test host never calls it; HostileInputTests
/// runs this assembly as a child process with "--hostile-inputs", so that a stack overflow, which ends a .NET process
/// on whatever thread it happens, fails a test instead of taking the test host down.
/// </summary>
public static class Program
{
    public static int Main(string[] args) =>
        args.Length > 0 && args[0] == HostileInputRunner.Argument ? HostileInputRunner.Run() : 0;
}
