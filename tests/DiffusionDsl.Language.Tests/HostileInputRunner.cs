using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using DiffusionDsl.Language.Syntax;

namespace DiffusionDsl.Language.Tests;

/// <summary>
/// The child process of <see cref="HostileInputTests"/>: compiles every <see cref="HostileInputs"/> input on its own
/// thread with a 256 KB stack (the IDE and the build server give the generator no more than the usual 1 MB, and a
/// quarter of that must do), and prints one line per input: "start NAME", then "ok|fail MILLISECONDS NAME [why]".
/// A hang prints "hang" and exits 3; a stack overflow kills the process after its "start" line.
/// </summary>
internal static class HostileInputRunner
{
    public const string Argument = "--hostile-inputs";
    public const int StackSize = 256 * 1024;
    public static readonly TimeSpan HangAfter = TimeSpan.FromSeconds(20);

    public static int Run()
    {
        Compile(HostileInputs.Seed); // JIT the compiler before anything is timed
        int count = 0;
        foreach (var (name, build) in HostileInputs.All())
        {
            var text = build();
            Console.WriteLine("start " + name);
            string? problem = null;
            var watch = new Stopwatch();
            var thread = new Thread(() =>
            {
                try
                {
                    watch.Start();
                    var compilation = MsdCompiler.CompileUnguarded(text);
                    watch.Stop();
                    problem = Check(text, compilation);
                }
                catch (Exception e)
                {
                    problem = $"threw {e.GetType().Name}: {e.Message}";
                }
            }, StackSize);
            thread.Start();
            if (!thread.Join(HangAfter))
            {
                Console.WriteLine($"hang {name}");
                Environment.Exit(3);
            }
            Console.WriteLine($"{(problem is null ? "ok" : "fail")} {watch.Elapsed.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture)} {name}{(problem is null ? "" : " | " + problem)}");
            count++;
        }
        Console.WriteLine($"done {count}");
        return 0;
    }

    private static void Compile(string text) => MsdCompiler.CompileUnguarded(text);

    /// <summary>Every diagnostic inside the text, short, free of invisible characters, never naming an empty model; no stack trouble.</summary>
    private static string? Check(string text, MsdCompilation compilation)
    {
        foreach (var d in compilation.Diagnostics)
        {
            if (d.Span.Start < 0 || d.Span.End > text.Length || d.Span.End < d.Span.Start) return $"span {d.Span} outside the text";
            if (d.Message.Length > 400) return $"a {d.Message.Length}-character message";
            if (d.Message.Any(c => char.IsControl(c) || char.IsSurrogate(c) || char.GetUnicodeCategory(c) is
                    UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.SpaceSeparator && c != ' '))
                return "an invisible character in: " + d.Message;
            if (d.Message.Contains("model ''")) return "an empty model name in: " + d.Message;
            if (d.Message.Contains("for the stack of the thread")) return "ran out of stack within the limits: " + d.Message;
            if (d.Id == "MSD0999") return "internal error: " + d.Message;
        }
        if (compilation.HasErrors && compilation.Model is not null) return "errors and a model together";
        if (!compilation.HasErrors && compilation.Model is null) return "no model and no error";
        return null;
    }
}
