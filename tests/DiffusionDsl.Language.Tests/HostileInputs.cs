using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using DiffusionDsl.Language.Syntax;

namespace DiffusionDsl.Language.Tests;

/// <summary>
/// Inputs that once crashed, hung or tricked the compiler (issue 11), by class, at sizes around each limit:
/// deep nesting of every kind, unclosed blocks, long lines and tokens, invisible characters, odd line breaks,
/// floods of errors, and random mutations of real models. Built lazily: some are a mebibyte.
/// </summary>
internal static class HostileInputs
{
    public static readonly string Seed = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Models", "Cifar10Multistage.msd"));

    private const string Tiny = "model M {\n  image 1x8x8\n  diffusion cosine predicts v\n  stages { only [0, 1] }\n  encoder ddpmpp { width 8  mult [1, 2]  blocks 1 }\n  decoder only { width 8 }\n}\n";

    private static string Repeat(string text, int count) => new StringBuilder(text.Length * count).Insert(0, text, count).ToString();

    /// <summary>Each kind of nesting, n levels deep (inside a model body, so the model's own brace makes n + 1), closed or not.</summary>
    private static IEnumerable<(string Name, Func<string> Text)> Nesting(int n)
    {
        yield return ($"braces {n}", () => "model M {\n" + Repeat("a {\n", n) + Repeat("}\n", n) + "}\n");
        yield return ($"unclosed braces {n}", () => "model M {\n" + Repeat("a {\n", n));
        yield return ($"braces around an error {n}", () => "model M {\n" + Repeat("a {\n", n) + "@\n" + Repeat("}\n", n) + "}\n");
        yield return ($"brackets {n}", () => "model M {\n  mult " + Repeat("[", n) + "1" + Repeat("]", n) + "\n}\n");
        yield return ($"unclosed brackets {n}", () => "model M {\n  mult " + Repeat("[", n) + "1\n}\n");
        yield return ($"brackets around an error {n}", () => "model M {\n  mult " + Repeat("[1, ", n) + "@" + Repeat("]", n) + "\n}\n");
        yield return ($"parentheses {n}", () => "model M {\n  mult " + Repeat("(", n) + "1" + Repeat(")", n) + "\n}\n");
        yield return ($"calls {n}", () => "model M {\n  diffusion " + Repeat("f(a = ", n) + "1" + Repeat(")", n) + "\n}\n");
        yield return ($"unclosed calls {n}", () => "model M {\n  diffusion " + Repeat("f(a = ", n) + "1\n}\n");
        yield return ($"mixed {n}", () => "model M {\n" + Repeat("a [ f( b = (", n / 3) + "1" + Repeat(")) ]", n / 3) + "\n}\n");
        yield return ($"mismatched {n}", () => "model M {\n  x " + Repeat("[(", n / 2) + Repeat("}", n) + "\n}\n");
        yield return ($"chained assignments {n}", () => "model M {\n  x " + Repeat("a = ", n) + "1\n}\n");
        yield return ($"chained calls {n}", () => "model M {\n  diffusion " + Repeat("f() ", n) + "\n}\n");
    }

    public static IEnumerable<(string Name, Func<string> Text)> All()
    {
        // Exactly at the nesting limit (the model's brace counts), one past it, and far past it.
        foreach (var n in new[] { MsdLimits.MaxNesting - 1, MsdLimits.MaxNesting, 100, 3_000, 100_000 })
            foreach (var input in Nesting(n)) yield return input;

        // Each unclosed '{' (or '{' around an error) used to double the parse time.
        foreach (var n in new[] { 12, 16, 24, 31 })
        {
            yield return ($"unclosed blocks {n}", () => Seed.Substring(0, Seed.IndexOf("encoder ddpmpp {", StringComparison.Ordinal)) + Repeat("  x {\n", n));
            yield return ($"blocks with errors {n}", () => "model M {\n" + string.Concat(Enumerable.Range(0, n).Select(i => $"  a{i} {{ x @\n")) + Repeat("}", n) + "}");
        }

        // Long lines, long tokens, many statements: at and beyond the size limit.
        int size = MsdLimits.MaxLength;
        yield return ("a line of tokens just under the limit", () => Fill("model M { width ", "a1 2.5 [1, 2] (x = 3) ", size - 8) + "\n}\n");
        yield return ("a line of tokens over the limit", () => Fill("model M { width ", "a1 2.5 [1, 2] ", 5 * size) + "}\n");
        yield return ("statements", () => Fill("model M {\n", "  decoder s { level 8 { width 16  blocks 2 } }\n", size - 4) + "}\n");
        yield return ("one long name", () => "model " + new string('x', size - 20) + " {\n}\n");
        yield return ("one long number", () => "model M {\n  image " + new string('9', size - 30) + "\n}\n");
        yield return ("one long comment", () => "# " + new string('x', size - 4) + "\n");
        yield return ("semicolons", () => "model M {" + new string(';', size - 12) + "}");
        yield return ("line breaks of every kind", () => Fill("", "\n\r\n\r\u0085\u2028\u2029", size - 8));
        yield return ("unknown keywords", () => Fill("model M {\n", "  widht 8\n", size / 2) + "}\n");
        yield return ("keywords on one line", () => Fill("model M {\n  encoder ddpmpp {\n    width", " width", size / 2) + "\n  }\n}\n");
        yield return ("unknown stages", () => Seed.Replace("  decoder near_data", Fill("", "  decoder nowhere { width 8 }\n", size / 4) + "  decoder near_data"));
        yield return ("65 stages", () => Tiny.Replace("only [0, 1]", string.Join("\n", Enumerable.Range(0, 65).Select(i => FormattableString.Invariant($"s{i} [{i / 65.0:R}, {(i + 1) / 65.0:R})")))));
        // A decoder that names no stage is measured against every stage's name for a "did you mean": 64 long stage names
        // and a decoder name that fills the file took 12.9 s when every pair was measured in full.
        yield return ("long stage names and a long unknown decoder", () =>
        {
            var stages = Tiny.Replace("only [0, 1]", string.Join("\n", Enumerable.Range(0, 64).Select(i =>
                FormattableString.Invariant($"{new string('s', 190)}{i:D4} [{i / 64.0:R}, {(i + 1) / 64.0:R}{(i == 63 ? "]" : ")")}")))).Replace("  decoder only { width 8 }\n", "");
            var body = stages.Substring(0, stages.LastIndexOf('}'));
            return body + "  decoder " + new string('d', size - body.Length - 40) + " { width 8 }\n}\n";
        });
        yield return ("a list of a million items", () => "model M {\n  mult [" + Fill("", "1, ", size - 30) + "1]\n}\n");

        // Numbers at and past every limit, in each numeric place of the tiny model (a stem width past 65536 once bound to
        // no model and no diagnostic).
        foreach (var number in new[] { "0", "-1", "65536", "65537", "70000", "1073741824", "2147483647", "2147483648", "99999999999", "1e308", "1e400" })
        {
            yield return ($"encoder width {number}", () => Tiny.Replace("encoder ddpmpp { width 8", "encoder ddpmpp { width " + number));
            yield return ($"decoder width {number}", () => Tiny.Replace("decoder only { width 8", "decoder only { width " + number));
            yield return ($"blocks {number}", () => Tiny.Replace("blocks 1", "blocks " + number));
            yield return ($"image channels {number}", () => Tiny.Replace("image 1x8x8", $"image {number}x8x8"));
            yield return ($"mult {number}", () => Tiny.Replace("mult [1, 2]", $"mult [1, {number}]"));
        }

        // Characters that do not show, or reorder what is shown.
        foreach (var c in new[] { '\uFEFF', '\u200B', '\u200F', '\u202E', '\u00A0', '\u0000', '\uD800', '\uDC00', '\u0007', '\u2066' })
        {
            yield return ($"U+{(int)c:X4} in a value", () => Seed.Replace("blocks 4", "blocks " + c + "4"));
            yield return ($"U+{(int)c:X4} in a name", () => Seed.Replace("near_data  [", "near" + c + "data  ["));
            yield return ($"U+{(int)c:X4} everywhere", () => Fill("", c + "model" + c + "{", 10_000));
        }

        // Random mutations of two real models (the in-process FuzzTests run 4,000 more without a time budget).
        var random = new Random(11);
        for (int i = 0; i < 300; i++)
        {
            var text = FuzzTests.Mutate(i % 2 == 0 ? Seed : Tiny, random, 1 + random.Next(6));
            yield return ($"mutation {i}", () => text);
        }
        for (int i = 0; i < 50; i++)
        {
            var chars = new char[random.Next(1, 2000)];
            for (int j = 0; j < chars.Length; j++) chars[j] = (char)random.Next(0, 0x10000);
            var text = new string(chars);
            yield return ($"random characters {i}", () => text);
        }
    }

    private static string Fill(string head, string unit, int length)
    {
        var builder = new StringBuilder(head, length + unit.Length);
        while (builder.Length + unit.Length <= length) builder.Append(unit);
        return builder.ToString();
    }
}
