using System;
using System.Collections.Generic;
using System.IO;
using DiffusionDsl.Generator.Tests.Models;
using DiffusionDsl.Runtime.Checkpoints.Safetensors;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Tests.Shared;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace DiffusionDsl.Generator.Tests.PyTorch;

/// <summary>
/// The exported train.py of an `encoder adm` model (ReferenceAdmTraining.msd: the paper's LDM network, tiny, with its
/// LDM recipe of three stage groups drawn cyclically) trains on latents as a latent diffusion user has them, a
/// .safetensors file of floats, under torchrun with one process per stage group as the reference trains; the C#
/// sampler then samples its EMA weights.
/// </summary>
public sealed class PyTorchAdmTrainingTests : IDisposable
{
    private static readonly TimeSpan Minutes = TimeSpan.FromMinutes(4);
    private readonly ITestOutputHelper _output;
    private readonly ScratchFolder _scratch = new();

    public PyTorchAdmTrainingTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void TrainPyTrainsTheLdmNetworkOnALatentsFileUnderThreeRanksAndCSharpSamplesIt()
    {
        using var scope = NewDisposeScope();
        var folder = _scratch.Path;
        PyTorchEquivalenceTests.Export("ReferenceAdmTraining", folder);
        var latents = Path.Combine(folder, "latents.safetensors");
        var generator = new TorchSharp.torch.Generator(11);
        SafetensorsWriter.Write(latents, new[]
        {
            new KeyValuePair<string, Tensor>("latents", randn(new long[] { 12, 3, 16, 16 }, generator: generator)),
            new KeyValuePair<string, Tensor>("labels", zeros(12, dtype: ScalarType.Int64)), // named data wins over the rest
        });

        var arguments = new[] { "--data", latents, "--out", Path.Combine(folder, "run"), "--steps", "2", "--checkpoint-every", "1", "--log-every", "1",
                                "--device", "cpu", "--timeout", "2" };
        var printed = PythonWithTorch.Torchrun(3, Path.Combine(folder, "train.py"), arguments, Minutes);
        _output.WriteLine(printed);
        Assert.Contains("step 2/2", printed);
        Assert.Matches(new System.Text.RegularExpressions.Regex(@"step 2: the 3 ranks' weights differ by at most 0\r?$", System.Text.RegularExpressions.RegexOptions.Multiline), printed);
        string Weights(int step, string file) => Path.Combine(folder, "run", "checkpoints", $"step-{step:D7}", file);
        using (var first = SafetensorsFile.Open(Weights(1, "model.safetensors")))
        using (var second = SafetensorsFile.Open(Weights(2, "model.safetensors")))
        {
            // Every stage group trained its stage: each decoder's output conv moved in the second step.
            foreach (var stage in new[] { "near_data", "middle", "near_noise" })
                Assert.False(first.Read($"{stage}.out.2.weight").eq(second.Read($"{stage}.out.2.weight")).all().item<bool>(), $"{stage}'s decoder did not move");
        }

        using var model = new ReferenceAdmTraining();
        SafetensorsWeights.Import(model, Weights(2, "ema.safetensors"));
        var sampler = new ReferenceAdmTrainingSampler(model, ReferenceAdmTrainingSampler.Defaults with { Steps = 4 });
        var samples = sampler.Sample(count: 2, seed: 1);
        Assert.Equal(new long[] { 2, 3, 16, 16 }, samples.shape);
        Assert.True(samples.isfinite().all().item<bool>());
    }

    [Theory]
    [InlineData("integers", "tensor 'latents' is torch.int64; training data is floating point")]
    [InlineData("two", "holds 2 tensors (a, b): name the data tensor \"latents\" or \"images\"")]
    [InlineData("flat", "tensor 'latents' has shape [12, 768]; training data is [N, C, H, W] with N > 0")]
    public void TrainPyNamesWhatIsWrongWithATensorFile(string kind, string message)
    {
        var folder = _scratch.Path;
        PyTorchEquivalenceTests.Export("ReferenceAdmTraining", folder);
        var path = Path.Combine(folder, kind + ".safetensors");
        SafetensorsWriter.Write(path, kind switch
        {
            "integers" => new[] { new KeyValuePair<string, Tensor>("latents", zeros(new long[] { 12, 3, 16, 16 }, dtype: ScalarType.Int64)) },
            "two" => new[] { new KeyValuePair<string, Tensor>("a", zeros(12, 3, 16, 16)), new KeyValuePair<string, Tensor>("b", zeros(12, 3, 16, 16)) },
            _ => new[] { new KeyValuePair<string, Tensor>("latents", zeros(12, 768)) },
        });
        var (code, output) = PythonWithTorch.Run(PythonWithTorch.Path, new[] { Path.Combine(folder, "train.py"), "--data", path, "--out", Path.Combine(folder, "run"),
                                                                             "--device", "cpu" }, Minutes);
        Assert.NotEqual(0, code);
        Assert.Contains(message, output);
    }
}
