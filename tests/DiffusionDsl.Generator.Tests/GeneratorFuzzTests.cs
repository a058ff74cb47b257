using System;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace DiffusionDsl.Generator.Tests;

/// <summary>Mutated .msd files through the whole generator: diagnostics only, and whatever C# it emits (model or stand-ins) compiles.</summary>
public class GeneratorFuzzTests
{
    [Fact]
    public void MutatedModelsEitherReportErrorsOrEmitCompilingCode()
    {
        var seed = GeneratorHarness.ReadModel("TinyMultistage.msd");
        var random = new Random(7);
        int emitted = 0, rejected = 0;
        for (int i = 0; i < 400; i++)
        {
            var text = Mutate(seed, random);
            var file = GeneratedFile.From(new MsdSource("/fuzz/Tiny.msd", text), "Fuzz");
            Assert.All(file.Diagnostics, d => Assert.InRange(d.Span.End, 0, text.Length));
            Assert.True(file.HasErrors || file.Source is not null, $"mutant {i}: no code and no error");
            // Compiling is the slow part: 60 valid mutants and every tenth set of stand-ins suffice.
            bool compile = file.HasErrors ? rejected++ % 10 == 0 : emitted++ < 60;
            if (!compile || file.Source is null) continue;
            var errors = GeneratorHarness.NewCompilation(file.Source).GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, $"mutant {i} emitted code that does not compile:\n{text}\n{string.Join("\n", errors)}");
        }
        Assert.True(emitted > 10 && rejected > 100, $"emitted {emitted}, rejected {rejected}");
    }

    /// <summary>Mutations that keep many inputs valid: numbers, names and whole lines change.</summary>
    private static string Mutate(string text, Random random)
    {
        var lines = text.Split('\n').ToList();
        int line = random.Next(lines.Count);
        string[] numbers = { "0", "1", "2", "4", "8", "16", "0.5", "1e-3", "-3", "7" };
        string[] names = { "class", "Encoder", "near_data", "x", "_", "mixed", "heun", "at", "Tiny" };
        switch (random.Next(4))
        {
            case 0:
                var words = lines[line].Split(' ');
                int w = random.Next(words.Length);
                if (words[w].Length > 0 && char.IsDigit(words[w][0])) words[w] = numbers[random.Next(numbers.Length)];
                else words[w] = names[random.Next(names.Length)];
                lines[line] = string.Join(" ", words);
                break;
            case 1: lines.RemoveAt(line); break;
            case 2: lines.Insert(random.Next(lines.Count), lines[line]); break;
            default: lines[line] = lines[line].Replace("16", numbers[random.Next(numbers.Length)]).Replace("0.631", numbers[random.Next(numbers.Length)]); break;
        }
        return string.Join("\n", lines);
    }
}
