using System.Linq;
using Microsoft.CodeAnalysis;

namespace DiffusionDsl.Generator.Tests;

/// <summary>`stage_weights [1, 1, 1]` (whole numbers) used to be emitted as `new[] { 1, 1, 1 }`, an int[] (CS0029).</summary>
public class StageWeightsTests
{
    [Theory]
    [InlineData("[1, 1, 1]")]
    [InlineData("[1, 0.5, 2]")]
    [InlineData("[2.0, 3e0, 1]")]
    public void StageWeightsCompileAsDoubles(string weights)
    {
        var text = GeneratorHarness.ReadModel("TinyMultistage.msd").Replace("stage_sampling mixed }", $"stage_sampling mixed; stage_weights {weights} }}");
        var (output, diagnostics) = GeneratorHarness.Run(("/project/Weights.msd", text));
        Assert.Empty(diagnostics);
        var source = Assert.Single(output.SyntaxTrees).ToString();
        Assert.Contains("StageLossWeights = new double[] {", source);
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }
}
