using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using DiffusionDsl.Generator;
using DiffusionDsl.GeneratorBenchmark;

// Prints the time to parse, check and emit a large .msd (goal: under 20 ms), and the time of a
// GeneratorDriver re-run after an unrelated .cs edit (which must reuse the cached result).
int stages = args.Length > 0 ? int.Parse(args[0]) : 16;
int iterations = args.Length > 1 ? int.Parse(args[1]) : 50;
var text = LargeModel.Text(stages);
var first = GeneratedFile.From(new MsdSource("/bench/Large.msd", text), null);
if (first.Source is null) { Console.WriteLine(string.Join("\n", first.Diagnostics)); return 1; }

for (int i = 0; i < 10; i++) GeneratedFile.From(new MsdSource("/bench/Large.msd", text), null);
var times = new double[iterations];
for (int i = 0; i < iterations; i++)
{
    var watch = Stopwatch.StartNew();
    GeneratedFile.From(new MsdSource("/bench/Large.msd", text), null);
    times[i] = watch.Elapsed.TotalMilliseconds;
}
Array.Sort(times);
Console.WriteLine($".msd: {stages} stages, {text.Split('\n').Length} lines, {text.Length:N0} chars -> {first.Source.Length:N0} chars of C#");
Console.WriteLine($"parse + check + emit: median {times[iterations / 2]:F2} ms, min {times[0]:F2} ms, max {times[^1]:F2} ms over {iterations} runs");

GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new MsdGenerator().AsSourceGenerator() },
    new[] { (AdditionalText)new BenchText("/bench/Large.msd", text) });
var compilation = CSharpCompilation.Create("Bench", new[] { CSharpSyntaxTree.ParseText("class A {}") });
var cold = Stopwatch.StartNew();
driver = driver.RunGenerators(compilation);
Console.WriteLine($"generator driver, first run: {cold.Elapsed.TotalMilliseconds:F2} ms");
var warm = Stopwatch.StartNew();
driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class B {}")));
Console.WriteLine($"generator driver, after a .cs edit (cached): {warm.Elapsed.TotalMilliseconds:F2} ms");
return 0;

internal sealed class BenchText(string path, string text) : AdditionalText
{
    public override string Path { get; } = path;
    public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
}
