using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Sampling;
using DiffusionDsl.Runtime.Sampling.Solvers;
using DiffusionDsl.Runtime.Tests.Support;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Sampling;

/// <summary>EDM's Heun sampler keeps its state in float64 around a float32 network, as edm/generate.py does.</summary>
public class HeunPrecisionTests
{
    [Fact]
    public void TheStateIsFloat64FromTheSameDrawAndTheImagesFloat32()
    {
        random.manual_seed(3);
        using var model = new SmallUNet(SmallUNet.Encoder());
        var heun = new EdmHeunSolver(model.Schedule);
        var euler = new EulerSolver(model.Schedule);
        heun.SetTimesteps(4);
        euler.SetTimesteps(4);
        Assert.Equal((ScalarType.Float64, ScalarType.Float32), (heun.StateType, euler.StateType));

        // The same float32 standard normal draw for a seed, widened for Heun (EDM: latents.to(torch.float64)).
        using var wide = heun.InitialNoise(new ImageNoise(1, 0, 2), new long[] { 1, 8, 8 }, CPU);
        using var narrow = euler.InitialNoise(new ImageNoise(1, 0, 2), new long[] { 1, 8, 8 }, CPU);
        Assert.Equal((ScalarType.Float64, ScalarType.Float32), (wide.dtype, narrow.dtype));
        Assert.True(wide.to(ScalarType.Float32).allclose(narrow, rtol: 1e-6, atol: 0));

        // The float32 network takes its input in float32 and the sampler hands back float32 images.
        var sampler = new MultistageSampler(model, model.Schedule, PredictionTarget.Eps, new SampleOptions { Solver = SolverKind.EdmHeun, Steps = 4, Seed = 1 });
        using var images = sampler.Sample(2, 1, 8, 8);
        Assert.Equal(ScalarType.Float32, images.dtype);
        Assert.True(images.isfinite().all().item<bool>());
    }
}
