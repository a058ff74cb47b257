using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiffusionDsl.Runtime.Checkpoints;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;
using DiffusionDsl.Runtime.Networks;
using DiffusionDsl.Runtime.Tests.Support;
using DiffusionDsl.Tests.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Checkpoints;

public sealed class SafetensorsWeightsTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();
    public void Dispose() => _scratch.Dispose();

    private string File(string name) => _scratch.File(name);
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Checkpoints", "Fixtures", name);

    /// <summary>A model built from <paramref name="seed"/>, its weights moved well away from their (partly near-zero) initialisation.</summary>
    private static T Seeded<T>(long seed, Func<T> create) where T : nn.Module
    {
        random.manual_seed(seed);
        var model = create();
        var g = new Generator((ulong)seed);
        using (no_grad())
            foreach (var p in model.parameters()) p.add_(randn(p.shape, generator: g) * 0.1);
        model.eval();
        return model;
    }

    private static Tensor Output(MultistageUNet model)
    {
        using var noGrad = no_grad();
        var x = randn(new long[] { 3, 1, 8, 8 }, generator: new Generator(11));
        return model.forward(x, tensor(new[] { 0.1, 0.5, 0.9 }));
    }

    private static List<string> ExpectedKeys(string fixture, bool withFilters = true) =>
        System.IO.File.ReadAllLines(Fixture(fixture)).Where(line => withFilters || !line.Contains(".resample_filter ")).ToList();

    private static List<string> KeysOf(string path)
    {
        using var file = SafetensorsFile.Open(path);
        return file.Tensors.Select(t => $"{t.Name} {string.Join(",", t.Shape)}").ToList();
    }

    [Fact]
    public void NativeExportImportsIntoAFreshModelWithIdenticalOutputs()
    {
        var trained = Seeded(1, () => new SmallUNet());
        var path = File("native.safetensors");
        SafetensorsWeights.Export(trained, path);
        var fresh = Seeded(2, () => new SmallUNet());
        Assert.False(Output(trained).Equals(Output(fresh)));

        SafetensorsWeights.Import(fresh, path);
        Assert.True(Output(trained).Equals(Output(fresh)));
        Assert.Equal(trained.state_dict().Keys, KeysOf(path).Select(k => k.Split(' ')[0]));
    }

    [Fact]
    public void ReferenceExportHasExactlyTheKeysAndShapesOfTheReferenceMultistageUNet()
    {
        var path = File("reference.safetensors");
        SafetensorsWeights.Export(new ReferenceTinyUNet(), path, WeightLayout.Reference, resampleFilters: true);
        Assert.Equal(ExpectedKeys("multistage-tiny.keys.txt"), KeysOf(path));

        SafetensorsWeights.Export(new ReferenceTinyUNet(), path, WeightLayout.Reference);
        Assert.Equal(ExpectedKeys("multistage-tiny.keys.txt", withFilters: false), KeysOf(path));
    }

    [Fact]
    public void AOneStageModelExportsTheKeysAndShapesOfTheReferenceSongUNet()
    {
        var path = File("unified.safetensors");
        SafetensorsWeights.Export(new ReferenceTinyUNet(unified: true), path, WeightLayout.Reference, resampleFilters: true);
        Assert.Equal(ExpectedKeys("songunet-tiny.keys.txt"), KeysOf(path));
    }

    [Fact]
    public void WeightsTrainedWithTheReferenceCodeGiveItsOutputs()
    {
        // EDMPrecond's state_dict ("model." prefix, resample filters) in float16, written by scripts/reference/make_checkpoint_fixtures.py.
        var model = new ReferenceTinyUNet();
        var weights = Fixture("multistage-tiny.f16.safetensors");
        var refused = Assert.Throws<CheckpointException>(() => SafetensorsWeights.Import(model, weights));
        Assert.Contains("tensor 'model.map_layer0.weight' is Float16 in the file but Float32 in the model", refused.Message);

        SafetensorsWeights.Import(model, weights, convertDtypes: true);
        using var io = SafetensorsFile.Open(Fixture("multistage-tiny.io.safetensors"));
        var x = io.Read("x");
        var labels = io.Read("noise_labels");
        using var noGrad = no_grad();
        model.eval();
        for (int k = 0; k < 3; k++)
        {
            var expected = io.Read($"out{k}");
            var actual = model.Decoders[k].Decode(model.SharedEncoder.Encode(x, labels));
            Assert.True(actual.allclose(expected, rtol: 1e-4, atol: 1e-5), $"stage {k}: off by {(actual - expected).abs().max().item<float>()} (outputs up to {expected.abs().max().item<float>()})");
        }
    }

    [Fact]
    public void AReferenceExportWithEdmPrecondsPrefixImportsBack()
    {
        var trained = Seeded(3, () => new ReferenceTinyUNet());
        var path = File("precond.safetensors");
        SafetensorsWeights.Export(trained, path, WeightLayout.Reference, prefix: "model.", resampleFilters: true);
        Assert.All(KeysOf(path), key => Assert.StartsWith("model.", key));

        var fresh = Seeded(4, () => new ReferenceTinyUNet());
        SafetensorsWeights.Import(fresh, path);
        Assert.True(Output(trained).Equals(Output(fresh)));
    }

    [Fact]
    public void MissingAndUnexpectedNamesAreListed()
    {
        var path = File("multistage.safetensors");
        SafetensorsWeights.Export(new ReferenceTinyUNet(), path, WeightLayout.Reference);
        var error = Assert.Throws<CheckpointException>(() => SafetensorsWeights.Import(new ReferenceTinyUNet(unified: true), path));
        Assert.Contains("its tensor names do not match the model (reference layout)", error.Message);
        // A one-stage model reads decs.0 as its decoder; that one is 16 wide at 4x4 where the unified one is 8.
        Assert.Contains("2 of the model's tensors are missing: 'dec.4x4_block0.skip.weight', 'dec.4x4_block0.skip.bias'", error.Message);
        Assert.Contains("192 unexpected tensors: 'decs.1.4x4_block0.affine.bias', ", error.Message);
        Assert.Contains(" and 182 more.", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void AShapeMismatchNamesTheTensor()
    {
        var path = File("small.safetensors");
        SafetensorsWeights.Export(new ReferenceTinyUNet(), path);
        var error = Assert.Throws<CheckpointException>(() => SafetensorsWeights.Import(new SmallUNet(), path));
        Assert.Contains("tensor 'encoder.map_layer0.weight' has shape [16, 4] in the file but [32, 8] in the model", error.Message);
    }

    [Fact]
    public void AResampleFilterOtherThanTheBoxIsRefused()
    {
        var path = File("filters.safetensors");
        SafetensorsWeights.Export(new ReferenceTinyUNet(), path, WeightLayout.Reference, resampleFilters: true);
        using (var file = SafetensorsFile.Open(path))
        {
            var tensors = file.Tensors.Select(t => new KeyValuePair<string, Tensor>(t.Name, file.Read(t.Name))).ToList();
            var index = tensors.FindIndex(t => t.Key == "decs.1.8x8_up.skip.resample_filter");
            tensors[index] = new(tensors[index].Key, tensor(new[] { 1f, 3f, 3f, 1f }).outer(tensor(new[] { 1f, 3f, 3f, 1f })).div(64).view(1, 1, 4, 4));
            file.Dispose();
            SafetensorsWriter.Write(path, tensors);
        }
        var error = Assert.Throws<CheckpointException>(() => SafetensorsWeights.Import(new ReferenceTinyUNet(), path));
        Assert.Contains("tensor 'decs.1.8x8_up.skip.resample_filter': a resampling filter other than EDM's [1, 1]", error.Message);
    }

    [Fact]
    public void CheckpointWeightsLoadsASafetensorsFileAndChecksItsModelHash()
    {
        var trained = Seeded(5, () => new SmallUNet());
        var path = File("sample.safetensors");
        SafetensorsWeights.Export(trained, path, metadata: new Dictionary<string, string>
        {
            [SafetensorsWeights.ModelHashKey] = "h", [SafetensorsWeights.StepKey] = "1200",
        });
        var fresh = Seeded(6, () => new SmallUNet());
        Assert.Equal(1200, CheckpointWeights.Load(path, fresh, "h"));
        Assert.True(Output(trained).Equals(Output(fresh)));

        var error = Assert.Throws<CheckpointException>(() => CheckpointWeights.Load(path, fresh, "other"));
        Assert.Contains("written for another model", error.Message);
        Assert.Contains("(model hash 'h' in the file, 'other' here)", error.Message);
    }
}
