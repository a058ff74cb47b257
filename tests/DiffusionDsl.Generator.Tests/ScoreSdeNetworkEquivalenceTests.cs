using System;
using System.IO;
using System.Linq;
using DiffusionDsl.Generator.Tests.Models;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Generator.Tests;

/// <summary>
/// `encoder ncsnpp` with `embedding positional` and `middle encoder` computes what the paper's VP network computes: the
/// reference's score_sde NCSN++ multistage model (NCSNpp_multimodel, run by
/// scripts/reference/make_score_sde_network_fixture.py with the multistage CIFAR-10 config's options on a tiny size), its
/// O(1) weights renamed to EDM's layer names by that script. The reference ran one sample at a time (it routes a batch by
/// its first sample); the whole mixed-stage batch runs at once here.
/// </summary>
public class ScoreSdeNetworkEquivalenceTests
{
    // As ReferenceEquivalenceTests. Measured: 5.4e-7 to 8.7e-7 (score_sde's positional frequencies,
    // exp(-i ln(10000) / (h - 1)), and EDM's, (1 / 10000)^(i / (h - 1)), round alike here).
    private const double Tolerance = 1e-5;
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public ScoreSdeNetworkEquivalenceTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Reference", name);

    [Fact]
    public void TheRawOutputEqualsTheReferencesScoreSdeNcsnppPerStage()
    {
        using var scope = NewDisposeScope();
        using var model = new ReferenceScoreSdeNcsnpp();
        model.eval();
        SafetensorsWeights.Import(model, Fixture("multistage-vp-ncsnpp.weights.safetensors"), WeightLayout.Reference);
        using var cases = SafetensorsFile.Open(Fixture("multistage-vp-ncsnpp.cases.safetensors"));
        var (x, t, stage) = (cases.Read("x"), cases.Read("t"), cases.Read("stage"));
        var stageOf = stage.data<long>().ToArray();
        Assert.Equal(stageOf, model.Stages.StageOf(t).data<long>().ToArray());
        Assert.Equal(stageOf, cases.Read("reference_stage").data<long>().ToArray());

        using var noGrad = no_grad();
        var raw = model.Predict(x, t);
        for (int k = 0; k < model.Stages.Count; k++)
        {
            var index = tensor(Enumerable.Range(0, stageOf.Length).Where(i => stageOf[i] == k).Select(i => (long)i).ToArray());
            Assert.True(index.numel() >= 3, $"stage {k} has {index.numel()} cases");
            var ours = raw.index_select(0, index);
            var reference = cases.Read("raw").index_select(0, index);
            double difference = (ours - reference).abs().max().item<float>() / reference.abs().max().item<float>();
            _output.WriteLine($"stage {k} ({index.numel()} cases): relative difference {difference:E2}");
            Assert.True(difference <= Tolerance, $"stage {k}: relative difference {difference:E2} > {Tolerance:E0}");
        }
    }
}
