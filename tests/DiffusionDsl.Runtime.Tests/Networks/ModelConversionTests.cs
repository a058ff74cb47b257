using System;
using System.Linq;
using DiffusionDsl.Runtime.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Networks;

/// <summary>
/// A model moves and converts whole, as the trainer's model.to(device) needs on a GPU: TorchSharp 0.107's ModuleDict
/// threw half way through Module.to and left the model on two dtypes (NamedModules replaces it). The meta device stands
/// in for CUDA here: moving to it takes the same path.
/// </summary>
public sealed class ModelConversionTests
{
    [Fact]
    public void ADtypeConversionReachesEveryTensorAndKeepsTheOutput()
    {
        random.manual_seed(5);
        using var model = new SmallUNet();
        model.eval();
        using var scope = NewDisposeScope();
        var x = randn(2, 1, 8, 8);
        var t = tensor(new[] { 0.2f, 0.8f });
        var before = model.forward(x, t);

        model.to(ScalarType.Float64);
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float64, p.dtype));
        Assert.All(model.SharedEncoder.parameters(), p => Assert.Equal(ScalarType.Float64, p.dtype));
        var wide = model.forward(x.to(ScalarType.Float64), t.to(ScalarType.Float64));
        Assert.Equal(ScalarType.Float64, wide.dtype);
        Assert.True(before.to(ScalarType.Float64).allclose(wide, rtol: 1e-4, atol: 1e-5));

        model.to(ScalarType.Float32);
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        Assert.True(before.allclose(model.forward(x, t), rtol: 1e-5, atol: 1e-6));
    }

    /// <summary>A time tensor of the wrong shape is named as such, not left to surface as a failed outer product.</summary>
    [Fact]
    public void ATimeTensorOfTheWrongShapeIsRefusedByName()
    {
        using var model = new SmallUNet();
        using var scope = NewDisposeScope();
        var x = randn(2, 1, 8, 8);
        foreach (var t in new[] { full(new long[] { 2, 1 }, 0.5), full(new long[] { 3 }, 0.5) })
            Assert.Contains("t must hold one time per image, shape [2]", Assert.Throws<ArgumentException>(() => model.forward(x, t)).Message);
    }

    /// <summary>The trainer and sampler work in float32: a float64 model is refused by name, not left to fail in a convolution.</summary>
    [Fact]
    public void TrainingAndSamplingRefuseAModelConvertedAwayFromFloat32()
    {
        using var model = new SmallUNet();
        model.to(ScalarType.Float64);
        var train = Assert.Throws<ArgumentException>(() => new DiffusionDsl.Runtime.Training.MultistageTrainer(model, model.Schedule,
            DiffusionDsl.Runtime.Diffusion.PredictionTarget.Eps, new DiffusionDsl.Runtime.Training.TrainOptions { OutputDirectory = System.IO.Path.GetTempPath() }));
        Assert.Contains("Training takes a model with float32 parameters; this one's are Float64", train.Message);
        var sample = Assert.Throws<ArgumentException>(() => new DiffusionDsl.Runtime.Sampling.MultistageSampler(model, model.Schedule,
            DiffusionDsl.Runtime.Diffusion.PredictionTarget.Eps, new DiffusionDsl.Runtime.Sampling.SampleOptions()));
        Assert.Contains("Sampling takes a model with float32 parameters", sample.Message);
    }

    [Fact]
    public void ADeviceMoveReachesEveryTensor()
    {
        using var model = new SmallUNet();
        model.to(new Device(DeviceType.META));
        Assert.All(model.parameters(), p => Assert.Equal(DeviceType.META, p.device_type));
        Assert.All(model.buffers(), b => Assert.Equal(DeviceType.META, b.device_type));
        Assert.Equal(model.parameters().Count(), model.state_dict().Count(kv => kv.Value.device_type == DeviceType.META) - model.buffers().Count());
    }
}
