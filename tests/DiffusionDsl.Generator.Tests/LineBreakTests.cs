using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace DiffusionDsl.Generator.Tests;

/// <summary>
/// The .msd compiler ends statements at Roslyn's line breaks and counts lines with them, so a model with CR (or
/// U+2028, U+0085) line endings compiles, and every position it reports is the one SourceText computes from the same
/// span: what the IDE underlines.
/// </summary>
public class LineBreakTests
{
    public static readonly TheoryData<string> Breaks = new() { "\n", "\r\n", "\r", "\u0085", "\u2028", "\u2029", "mixed" };

    private static readonly string[] All = { "\n", "\r\n", "\r", "\u0085", "\u2028", "\u2029" };

    private static string WithBreaks(string text, string lineBreak)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        if (lineBreak != "mixed") return string.Join(lineBreak, lines);
        return string.Concat(lines.Select((line, i) => line + (i < lines.Length - 1 ? All[i % All.Length] : "")));
    }

    [Theory]
    [MemberData(nameof(Breaks))]
    public void AModelCompilesWithEveryKindOfLineBreak(string lineBreak)
    {
        var (output, diagnostics) = GeneratorHarness.Run(("/project/Tiny.msd", WithBreaks(GeneratorHarness.ReadModel("TinyMultistage.msd"), lineBreak)));
        Assert.Empty(diagnostics);
        Assert.Single(output.SyntaxTrees);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    /// <summary>Errors on several lines (a binder error, a second one, and a syntax error in another file), each where SourceText puts its span.</summary>
    [Theory]
    [MemberData(nameof(Breaks))]
    public void EveryDiagnosticLandsWhereSourceTextPutsItsSpan(string lineBreak)
    {
        var model = GeneratorHarness.ReadModel("TinyMultistage.msd");
        var semantic = WithBreaks(model.Replace("dropout 0.1 ", "dropout 1.5 ").Replace("steps 12;", "steps 0;"), lineBreak);
        var syntax = WithBreaks(model.Replace("    blocks 1\n", "    blocks 1 @\n"), lineBreak);
        var unclosed = WithBreaks(model.Substring(0, model.IndexOf("  decoder near_noise")), lineBreak);
        var (_, diagnostics) = GeneratorHarness.Run(("/project/A.msd", semantic), ("/project/B.msd", syntax), ("/project/C.msd", unclosed));
        Assert.Equal(4, diagnostics.Length);
        foreach (var diagnostic in diagnostics)
        {
            var path = diagnostic.Location.GetLineSpan().Path;
            var text = SourceText.From(path.EndsWith("A.msd") ? semantic : path.EndsWith("B.msd") ? syntax : unclosed);
            var expected = text.Lines.GetLinePositionSpan(diagnostic.Location.SourceSpan);
            Assert.Equal(expected, diagnostic.Location.GetLineSpan().Span);
        }
        var lines = diagnostics.Select(d => d.Location.GetLineSpan().StartLinePosition.Line + 1).OrderBy(l => l).ToArray();
        Assert.Equal(new[] { 14, 16, 20, 22 }, lines);
    }
}
