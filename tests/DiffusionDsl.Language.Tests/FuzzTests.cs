using System;
using System.IO;
using System.Linq;
using System.Text;

namespace DiffusionDsl.Language.Tests;

/// <summary>Thousands of mutated .msd texts: the compiler never throws and every span lies inside the text.</summary>
public class FuzzTests
{
    private static readonly string[] Seeds =
    {
        File.ReadAllText(Path.Combine("Models", "Cifar10Multistage.msd")),
        "model M {\n  image 1x8x8\n  diffusion cosine predicts v\n  stages { only [0, 1] }\n  encoder ddpmpp { width 8  mult [1, 2]  blocks 1 }\n  decoder only { width 8 }\n}\n",
    };

    private const string Alphabet = "{}[]()=,;.#/\n \t-0123456789eExabcmodelwidth_\"\\@\u00e9\u0000";

    [Fact]
    public void MutatedInputsNeverThrowAndSpansStayInTheText()
    {
        var random = new Random(20241126);
        int withErrors = 0;
        for (int i = 0; i < 4000; i++)
        {
            var text = Mutate(Seeds[i % Seeds.Length], random, 1 + random.Next(4));
            var compilation = MsdCompiler.CompileUnguarded(text);
            foreach (var d in compilation.Diagnostics)
            {
                Assert.InRange(d.Span.Start, 0, text.Length);
                Assert.InRange(d.Span.End, d.Span.Start, text.Length);
                Assert.False(string.IsNullOrWhiteSpace(d.Message));
            }
            if (compilation.HasErrors) { withErrors++; Assert.Null(compilation.Model); }
        }
        Assert.InRange(withErrors, 1000, 4000); // the mutations really do break most inputs
    }

    internal static string Mutate(string text, Random random, int count)
    {
        var builder = new StringBuilder(text);
        for (int m = 0; m < count && builder.Length > 0; m++)
        {
            int at = random.Next(builder.Length);
            switch (random.Next(6))
            {
                case 0: builder.Remove(at, Math.Min(builder.Length - at, 1 + random.Next(8))); break;
                case 1: builder.Insert(at, Alphabet[random.Next(Alphabet.Length)]); break;
                case 2: builder.Length = at; break;
                case 3: builder[at] = Alphabet[random.Next(Alphabet.Length)]; break;
                case 4:
                    var lines = builder.ToString().Split('\n').ToList();
                    int line = random.Next(lines.Count);
                    lines.Insert(random.Next(lines.Count), lines[line]);
                    builder = new StringBuilder(string.Join("\n", lines));
                    break;
                default:
                    var numbers = new[] { "0", "-1", "1e999", "99999999999", "0.5", "3", "1x1x1" };
                    builder.Insert(at, " " + numbers[random.Next(numbers.Length)] + " ");
                    break;
            }
        }
        return builder.ToString();
    }
}
