using System;
using System.IO;
using System.Linq;
using DiffusionDsl.Generator.Tests.Models;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;
using DiffusionDsl.Tests.Shared;
using TorchSharp;
using static TorchSharp.torch;
using static DiffusionDsl.Generator.Tests.ReferenceFixture;

namespace DiffusionDsl.Generator.Tests;

/// <summary>
/// `encoder ncsnpp` with `embedding positional` and `middle encoder` computes what the paper's VP network computes, and a
/// checkpoint of that network converts to it. scripts/reference/make_score_sde_network_fixture.py ran the reference's
/// score_sde NCSN++ multistage model (NCSNpp_multimodel with the multistage CIFAR-10 config's options, tiny) and saved
/// it with the reference's own save_checkpoint, weights and an EMA that differs from them, beside its raw outputs under
/// each. Here the shipped converter (scripts/convert/score_sde_weights.py) turns that checkpoint into EDM-named
/// safetensors, the generated model imports them, and the whole mixed-stage batch must give the reference's outputs (the
/// reference ran one sample at a time: it routes a batch by its first sample).
/// </summary>
public class ScoreSdeNetworkEquivalenceTests
{
    // As ReferenceEquivalenceTests. Measured: 5.4e-7 to 1.2e-6 (score_sde's positional frequencies,
    // exp(-i ln(10000) / (h - 1)), and EDM's, (1 / 10000)^(i / (h - 1)), round alike here).
    private const double Tolerance = 1e-5;
    private static readonly string[] TinyArchitecture = { "--image-size", "16", "--ch-mult", "1,2,2", "--num-res-blocks", "1", "--attn-resolutions", "8" };
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public ScoreSdeNetworkEquivalenceTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    private static string Converter => Path.Combine(AppContext.BaseDirectory, "Scripts", "score_sde_weights.py");

    [Theory]
    [InlineData("ema")]
    [InlineData("model")]
    public void AConvertedCheckpointGivesTheReferencesOutputPerStage(string weights)
    {
        using var scope = NewDisposeScope();
        using var scratch = new ScratchFolder();
        var converted = Convert(Fixture("multistage-vp-ncsnpp.checkpoint.pth"), weights, Path.Combine(scratch.Path, "weights.safetensors"));
        using var model = new ReferenceScoreSdeNcsnpp();
        model.eval();
        SafetensorsWeights.Import(model, converted, WeightLayout.Reference);

        using var cases = SafetensorsFile.Open(Fixture("multistage-vp-ncsnpp.cases.safetensors"));
        var (x, t, stage) = (cases.Read("x"), cases.Read("t"), cases.Read("stage"));
        var stageOf = stage.data<long>().ToArray();
        Assert.Equal(stageOf, model.Stages.StageOf(t).data<long>().ToArray());
        Assert.Equal(stageOf, cases.Read("reference_stage").data<long>().ToArray());

        using var noGrad = no_grad();
        var raw = model.Predict(x, t);
        var expected = cases.Read($"raw_{weights}");
        for (int k = 0; k < model.Stages.Count; k++)
        {
            var index = tensor(Enumerable.Range(0, stageOf.Length).Where(i => stageOf[i] == k).Select(i => (long)i).ToArray());
            Assert.True(index.numel() >= 3, $"stage {k} has {index.numel()} cases");
            var ours = raw.index_select(0, index);
            var reference = expected.index_select(0, index);
            double difference = (ours - reference).abs().max().item<float>() / reference.abs().max().item<float>();
            _output.WriteLine($"{weights} stage {k} ({index.numel()} cases): relative difference {difference:E2}");
            Assert.True(difference <= Tolerance, $"{weights} stage {k}: relative difference {difference:E2} > {Tolerance:E0}");
        }
        // The weights and the EMA differ, so the two outputs tell them apart.
        var other = cases.Read(weights == "ema" ? "raw_model" : "raw_ema");
        Assert.True((raw - other).abs().max().item<float>() > 100 * Tolerance * other.abs().max().item<float>());
    }

    /// <summary>The tiny fixture checkpoint's weights or EMA, converted by the shipped converter; returns <paramref name="output"/>.</summary>
    internal static string Convert(string checkpoint, string weights, string output)
    {
        PythonWithTorch.Run(new[] { Converter, checkpoint, output, "--weights", weights }.Concat(TinyArchitecture).ToArray(), TimeSpan.FromMinutes(2));
        return output;
    }

    [Fact]
    public void AnArchitectureTheCheckpointDoesNotHaveIsNamedInTheError()
    {
        using var scratch = new ScratchFolder();
        var (code, output) = PythonWithTorch.Run(PythonWithTorch.Path,
            new[] { Converter, Fixture("multistage-vp-ncsnpp.checkpoint.pth"), Path.Combine(scratch.Path, "w.safetensors") }, TimeSpan.FromMinutes(2));
        Assert.NotEqual(0, code);
        Assert.Contains("is not in the checkpoint: is the architecture (--ch-mult, --num-res-blocks", output);
        Assert.False(File.Exists(Path.Combine(scratch.Path, "w.safetensors")));
    }
}
