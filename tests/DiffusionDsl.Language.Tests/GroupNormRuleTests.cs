using System.Linq;
using DiffusionDsl.Language.Diagnostics;

namespace DiffusionDsl.Language.Tests;

/// <summary>`groups G` fixes the count; `groups max M` is EDM's min(M, width / 4) (the paper's code: M = 16).</summary>
public class GroupNormRuleTests
{
    private const string Model = @"model Tiny {
  image 1x8x8
  diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps
  stages {
    a [0, 0.5)
    b [0.5, 1]
  }
  encoder ddpmpp {
    width 64
    mult [1, 2]
    blocks 1
    GROUPS
  }
  decoder a { width 96 }
  decoder b { width 64 }
}
";

    private static MsdCompilation Compile(string groups) => MsdCompiler.CompileUnguarded(Model.Replace("GROUPS", groups));

    [Theory]
    [InlineData("groups max 16", 0, 16)]
    [InlineData("groups 8", 8, 32)]
    [InlineData("", 0, 32)]
    public void TheRuleReachesTheSpec(string groups, int expectedFixed, int expectedMax)
    {
        var compilation = Compile(groups);
        Assert.Empty(compilation.Diagnostics);
        var encoder = compilation.Model!.Encoder;
        Assert.Equal((expectedFixed, expectedMax), (encoder.Groups, encoder.MaxGroups));
    }

    [Fact]
    public void TheCapGivesEachWidthItsOwnCount()
    {
        var encoder = Compile("groups max 16").Model!.Encoder;
        Assert.Equal(16, encoder.GroupsFor(128));
        Assert.Equal(12, encoder.GroupsFor(48));
        Assert.Equal(32, Compile("").Model!.Encoder.GroupsFor(128));
    }

    [Theory]
    [InlineData("groups ⟦min⟧ 16", DiagnosticIds.UnknownOption)]
    [InlineData("groups max ⟦0⟧", DiagnosticIds.NotPositive)]
    [InlineData("groups max ⟦many⟧", DiagnosticIds.WrongValue)]
    [InlineData("groups max 16 ⟦4⟧", DiagnosticIds.WrongValue)]
    public void BadRulesAreReportedAtTheirValue(string groups, string id)
    {
        var source = MarkedSource.Parse(Model.Replace("GROUPS", groups));
        var diagnostics = MsdCompiler.CompileUnguarded(source.Text).Diagnostics;
        Assert.True(diagnostics.Any(d => d.Id == id && d.Span == source.Expected),
            $"expected {id} at {source.Expected}; got:\n" + string.Join("\n", diagnostics.Select(d => $"{d.Id} {d.Span} {d.Message}")));
    }
}
