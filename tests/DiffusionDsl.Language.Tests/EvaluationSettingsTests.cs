using DiffusionDsl.Language.Diagnostics;

namespace DiffusionDsl.Language.Tests;

/// <summary>The train section's `eval_every N` and `eval_count K`: quality measured during training.</summary>
public class EvaluationSettingsTests
{

    private static string With(string train) => TinyModel.With(train: train);

    private static MsdDiagnostic Single(string marked, string id) => TinyModel.SingleDiagnostic(marked, id);

    [Fact]
    public void TheSettingsReachTheTrainSpec()
    {
        var compilation = MsdCompiler.CompileUnguarded(With("eval_every 250  eval_count 64"));
        Assert.Empty(compilation.Diagnostics);
        Assert.Equal(250, compilation.Model!.Train.EvalEvery);
        Assert.Equal(64, compilation.Model.Train.EvalCount);
    }

    [Fact]
    public void WithoutThemEvaluationIsOffAndCounts500Images()
    {
        var train = MsdCompiler.CompileUnguarded(With("lr 1e-3")).Model!.Train;
        Assert.Equal(0, train.EvalEvery);
        Assert.Equal(500, train.EvalCount);
    }

    [Fact]
    public void ZeroEvalEveryIsAllowed() =>
        Assert.Empty(MsdCompiler.CompileUnguarded(With("eval_every 0")).Diagnostics);

    [Fact]
    public void TwoImagesAreTheFewestAnEvaluationMayDraw() =>
        Assert.Equal(2, MsdCompiler.CompileUnguarded(With("eval_count 2")).Model!.Train.EvalCount);

    [Fact]
    public void ANegativeEvalEveryIsOutOfRange()
    {
        var diagnostic = Single(With("eval_every ⟦-5⟧"), DiagnosticIds.ValueOutOfRange);
        Assert.Equal("m.msd(15,31): error MSD0040: eval_every must be at least 0 (0: no evaluations), not -5", diagnostic.Format("m.msd"));
    }

    [Fact]
    public void OneImageIsTooFewToEvaluate()
    {
        var diagnostic = Single(With("eval_count ⟦1⟧"), DiagnosticIds.ValueOutOfRange);
        Assert.Equal("m.msd(15,31): error MSD0040: eval_count (images sampled per evaluation) must be at least 2, not 1", diagnostic.Format("m.msd"));
    }

    [Fact]
    public void ZeroImagesIsNotAPositiveCount()
    {
        var diagnostic = Single(With("eval_count ⟦0⟧"), DiagnosticIds.NotPositive);
        Assert.Contains("must be at least 2, not 0", diagnostic.Message);
    }

    [Theory]
    [InlineData("eval_every ⟦2.5⟧")]
    [InlineData("eval_count ⟦many⟧")]
    public void TheyAreWholeNumbers(string setting) => Single(With(setting), DiagnosticIds.WrongValue);

    [Fact]
    public void EachIsSetOnce() =>
        Single(With("eval_every 10; ⟦eval_every⟧ 20"), DiagnosticIds.DuplicateSetting);

    [Fact]
    public void AMisspellingSuggestsTheSetting()
    {
        var diagnostic = Single(With("⟦eval_evry⟧ 10"), DiagnosticIds.UnknownKeyword);
        Assert.Contains("eval_every", diagnostic.Message);
    }
}
