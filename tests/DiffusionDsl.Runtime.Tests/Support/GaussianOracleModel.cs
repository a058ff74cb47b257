using DiffusionDsl.Runtime.Diffusion;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Staging;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Tests.Support;

/// <summary>
/// The exact model for data x0 ~ N(mean, diag(variance)) over [C, H, W]: E[x0 | x_hat] = mean + v / (v + sigma^2) (x_hat - mean),
/// returned in whatever raw form the prediction target asks for.
/// </summary>
internal sealed class GaussianOracleModel : IMultistageModel
{
    private readonly INoiseSchedule _schedule;
    private readonly PredictionTarget _target;
    private readonly double _sigmaData;
    private readonly Tensor _mean;
    private readonly Tensor _variance;

    public GaussianOracleModel(INoiseSchedule schedule, PredictionTarget target, Tensor mean, Tensor variance, StageTable? stages = null, double sigmaData = 0.5)
    {
        _schedule = schedule; _target = target; _sigmaData = sigmaData;
        _mean = mean.unsqueeze(0); _variance = variance.unsqueeze(0);
        Stages = stages ?? new StageTable(new[] { new StageInfo("all", 0, 1) });
    }

    public StageTable Stages { get; }
    public nn.Module Module { get; } = nn.Sequential();

    public Tensor Predict(Tensor x, Tensor t)
    {
        using var scope = NewDisposeScope();
        using var levels = NoiseLevels.Of(_schedule, t, x);
        var xHat = _target == PredictionTarget.Edm ? x / EdmPreconditioning.CIn(levels.Sigma, _sigmaData) : x / levels.Scale;
        var x0 = _mean + _variance / (_variance + levels.Sigma.square()) * (xHat - _mean);
        var eps = (xHat - x0) / levels.Sigma;
        return TargetParameterisation.RawTarget(_target, x0, eps, levels.Sigma, _sigmaData).MoveToOuterDisposeScope();
    }

    /// <summary>The probability-flow ODE's exact solution from x_hat at sigmaFrom to sigmaTo.</summary>
    public Tensor ExactFlow(Tensor xHat, double sigmaFrom, double sigmaTo) =>
        _mean + (xHat - _mean) * ((_variance + sigmaTo * sigmaTo) / (_variance + sigmaFrom * sigmaFrom)).sqrt();
}
