using System;
using System.Diagnostics;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using Xunit.Abstractions;
using DiffusionDsl.Language.Syntax;

namespace DiffusionDsl.Language.Tests;

/// <summary>
/// Compile time grows linearly with nesting depth and with input size. Ratios, not absolute times, so the tests hold
/// on a loaded 2-core machine: 4 times the depth or the size must cost less than 8 times the time (quadratic would be
/// 16, exponential astronomical), each time the minimum of several runs, and allocate at most 1.25 times as much more
/// as the text grows. A measurement that does not finish in 20 s fails rather than hanging the run.
/// <para>
/// The time is the measuring thread's CPU time where the OS gives it (Linux), so other processes on a busy machine do
/// not count; elsewhere, wall-clock time. Sizes are 4 Ki against 16 Ki characters, whose 0.4 and 1.5 MB of short-lived
/// objects stay in the caches and the youngest GC generation: past that (16 Ki to 64 Ki, 1.5 to 7 MB) the time per
/// character steps up about twice, once, as the objects spill from cache and collections start to copy them (measured
/// here, the thread's CPU time grew 9 times for 4 times the text, then 4.2 to 4.7 times from 64 Ki to 256 Ki). That
/// step is the memory system's; the allocation itself grows exactly with the text, which the tests check at each size.
/// HostileInputTests bounds the absolute time up to the 256 Ki limit.
/// </para>
/// </summary>
[Collection(TimingCollection.Name)]
public class ParseTimeTests
{
    private readonly ITestOutputHelper _output;

    public ParseTimeTests(ITestOutputHelper output) => _output = output;

    private const int Runs = 5;
    private const double MaxRatio = 8;

    private static string Repeat(string text, int count) => new StringBuilder().Insert(0, text, count).ToString();

    public static readonly TheoryData<string> NestingKinds = new()
    {
        "unclosed blocks", "blocks around an error", "closed blocks", "brackets", "brackets around an error", "calls around an error",
    };

    private static string Nested(string kind, int depth) => kind switch
    {
        // What used to double the parse time per level: a '{' left open, or a '{' around a syntax error.
        "unclosed blocks" => "model M {\n" + Repeat("  a {\n", depth),
        "blocks around an error" => "model M {\n" + Repeat("  a {\n", depth) + "  x @\n" + Repeat("}\n", depth) + "}\n",
        "closed blocks" => "model M {\n" + Repeat("  a {\n", depth) + Repeat("}\n", depth) + "}\n",
        "brackets" => "model M {\n  mult " + Repeat("[1, ", depth) + "2" + Repeat("]", depth) + "\n}\n",
        "brackets around an error" => "model M {\n  mult " + Repeat("[1, ", depth) + "@" + Repeat("]", depth) + "\n}\n",
        _ => "model M {\n  diffusion " + Repeat("f(a = ", depth) + "@" + Repeat(")", depth) + "\n}\n",
    };

    /// <summary>Depth 7 against depth 28, both inside the 32-level limit: the grammar itself, not the limit, must be linear.</summary>
    [Theory]
    [MemberData(nameof(NestingKinds))]
    public void TimeGrowsLinearlyWithNestingDepth(string kind)
    {
        int shallow = (MsdLimits.MaxNesting - 4) / 4, deep = 4 * shallow;
        AssertLinear(Nested(kind, shallow), Nested(kind, deep), $"{kind}, depth {shallow} and {deep}");
    }

    public static readonly TheoryData<string> SizeKinds = new()
    {
        "tokens on one line", "keywords on one line", "statements", "unknown keywords", "a long list", "a syntax error at the end",
    };

    private static string Sized(string kind, int size)
    {
        var (head, unit, tail) = kind switch
        {
            "tokens on one line" => ("model M { width ", "a1 2.5 [1, 2] f(x = 3) ", "}\n"),
            "keywords on one line" => ("model M {\n  encoder ddpmpp {\n    width", " blocks", "\n  }\n}\n"),
            "statements" => ("model M {\n", "  decoder s { level 8 { width 16  blocks 2 } }\n", "}\n"),
            "unknown keywords" => ("model M {\n", "  widht 8\n", "}\n"),
            "a long list" => ("model M {\n  mult [", "1, ", "1]\n}\n"),
            _ => ("model M {\n", "  decoder s { width 8 }\n", "  @\n}\n"),
        };
        var builder = new StringBuilder(head, size + unit.Length + tail.Length);
        while (builder.Length + unit.Length + tail.Length <= size) builder.Append(unit);
        return builder.Append(tail).ToString();
    }

    /// <summary>4 Ki characters against 16 Ki.</summary>
    [Theory]
    [MemberData(nameof(SizeKinds))]
    public void TimeGrowsLinearlyWithInputSize(string kind)
    {
        const int small = 1 << 12, large = 1 << 14;
        AssertLinear(Sized(kind, small), Sized(kind, large), $"{kind}, {small} and {large} characters");
    }

    /// <summary>Up to the size limit, allocation grows exactly with the text (the old binder's quadratic split did not).</summary>
    [Theory]
    [MemberData(nameof(SizeKinds))]
    public void AllocationGrowsLinearlyUpToTheSizeLimit(string kind)
    {
        long quarter = Allocated(Sized(kind, MsdLimits.MaxLength / 4)), full = Allocated(Sized(kind, MsdLimits.MaxLength));
        Assert.True(full < 1.25 * 4 * quarter, $"{kind}: {quarter:N0} bytes for 64 Ki characters, {full:N0} for 256 Ki");
    }

    private void AssertLinear(string small, string large, string what)
    {
        // Allocation is exact and machine-independent: it must grow with the input, no faster.
        long smallBytes = Allocated(small), largeBytes = Allocated(large);
        double sizeRatio = (double)large.Length / small.Length, allocationRatio = (double)largeBytes / smallBytes;
        Assert.True(allocationRatio < 1.25 * sizeRatio,
            $"{what}: {smallBytes:N0} and {largeBytes:N0} bytes allocated, ratio {allocationRatio:F1} for {sizeRatio:F1} times the text");

        // Enough repetitions that the small input takes ~20 ms a run: timer resolution and one-off pauses wash out.
        int repetitions = 1;
        while (Measure(small, repetitions) < 20 && repetitions < 1 << 16) repetitions *= 2;
        double smallTime = Enumerable.Range(0, Runs).Min(_ => Measure(small, repetitions));
        double largeTime = Enumerable.Range(0, Runs).Min(_ => Measure(large, repetitions));
        double ratio = largeTime / smallTime;
        _output.WriteLine($"{what}: {smallTime:F2} ms and {largeTime:F2} ms for {repetitions} compilations, ratio {ratio:F1}; allocation ratio {allocationRatio:F2} for {sizeRatio:F2} times the text");
        Assert.True(ratio < MaxRatio, $"{what}: {smallTime:F2} ms and {largeTime:F2} ms for {repetitions} compilations, ratio {ratio:F1} (limit {MaxRatio})");
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec time);

    private const int ClockThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID

    /// <summary>This thread's CPU time (Linux), or NaN where it cannot be read.</summary>
    private static double ThreadCpuMilliseconds()
    {
        if (!OperatingSystem.IsLinux()) return double.NaN;
        try { return ClockGetTime(ClockThreadCpuTime, out var t) == 0 ? t.Seconds * 1e3 + t.Nanoseconds / 1e6 : double.NaN; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return double.NaN; }
    }

    /// <summary>Bytes one compilation allocates, on a background thread that may not take more than 20 s.</summary>
    private static long Allocated(string text)
    {
        long bytes = 0;
        Bounded(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            MsdCompiler.CompileUnguarded(text);
            bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        }, $"compiling a {text.Length}-character input");
        return bytes;
    }

    /// <summary>Runs <paramref name="work"/> on a background thread, failing (and leaving it behind) if it takes more than 20 s.</summary>
    private static void Bounded(Action work, string what)
    {
        var thread = new Thread(() => work()) { IsBackground = true };
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(20)), $"{what} took more than 20 s");
    }

    /// <summary>
    /// Milliseconds (thread CPU time, or wall-clock time) for <paramref name="repetitions"/> compilations, on a
    /// background thread that may not take more than 20 s.
    /// </summary>
    private static double Measure(string text, int repetitions)
    {
        double elapsed = double.NaN;
        Bounded(() =>
        {
            GC.Collect();
            var watch = Stopwatch.StartNew();
            double cpu = ThreadCpuMilliseconds();
            for (int i = 0; i < repetitions; i++) MsdCompiler.CompileUnguarded(text);
            elapsed = double.IsNaN(cpu) ? watch.Elapsed.TotalMilliseconds : ThreadCpuMilliseconds() - cpu;
        }, $"{repetitions} compilations of a {text.Length}-character input");
        return elapsed;
    }
}
