using System;
using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Staging;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Diffusion;

/// <summary>
/// Turns a multistage model's raw output into (x0, eps). Solvers call <see cref="Denoise(Tensor, double)"/>
/// with one t for the whole batch, so each evaluation runs one stage; it is counted per stage.
/// </summary>
public sealed class Denoiser
{
    public IMultistageModel Model { get; }
    public INoiseSchedule Schedule { get; }
    public PredictionTarget Target { get; }
    public double SigmaData { get; }
    public int[] EvaluationsPerStage { get; }

    public Denoiser(IMultistageModel model, INoiseSchedule schedule, PredictionTarget target, double? sigmaData = null)
    {
        Model = model;
        Schedule = schedule;
        Target = target;
        SigmaData = sigmaData ?? (schedule as EdmSchedule)?.SigmaData ?? 0.5;
        EvaluationsPerStage = new int[model.Stages.Count];
        _parameterType = new Lazy<ScalarType?>(() => System.Linq.Enumerable.FirstOrDefault(System.Linq.Enumerable.Select(model.Module.parameters(), p => (ScalarType?)p.dtype)));
    }

    public int TotalEvaluations { get { int sum = 0; foreach (var n in EvaluationsPerStage) sum += n; return sum; } }

    public void ResetCounts() => Array.Clear(EvaluationsPerStage);

    /// <summary>Estimates at a shared time t for a batch xHat (unscaled, x0 + sigma eps).</summary>
    /// <remarks>
    /// Nothing is read back from the device: the noise levels come from the schedule on the host, and the stage of t is
    /// known here, so the model routes the batch by it (<see cref="StageSplit"/>) instead of reading the split.
    /// </remarks>
    public DenoisedPair Denoise(Tensor xHat, double t)
    {
        int stage = Model.Stages.StageOf(t);
        EvaluationsPerStage[stage]++;
        // Float64, so the model's noise label sees the same t as the scalar schedule.
        using var times = full(xHat.shape[0], t, dtype: ScalarType.Float64, device: xHat.device);
        using var levels = NoiseLevels.Of(Schedule, t, xHat);
        return Denoise(xHat, times, levels, StageSplit.Whole(stage, Model.Stages.Count, xHat.shape[0]));
    }

    /// <summary>Estimates at per-sample times t (shape [N]).</summary>
    public DenoisedPair Denoise(Tensor xHat, Tensor t)
    {
        using var levels = NoiseLevels.Of(Schedule, t, xHat);
        return Denoise(xHat, t, levels, null);
    }

    private DenoisedPair Denoise(Tensor xHat, Tensor t, NoiseLevels levels, StageSplit? split)
    {
        using var input = TargetParameterisation.ModelInput(Target, xHat, levels.Scale, levels.Sigma, SigmaData);
        // A solver integrating in float64 (EDM's Heun) hands the network its input in the network's own precision and takes
        // the output back in its own, as EDM's sampler does around EDMPrecond.
        using var networkInput = ParameterType is ScalarType p && input.dtype != p ? input.to(p) : input.alias();
        using var predicted = PredictKeepingOnlyTheOutput(networkInput, t, split);
        using var raw = predicted.dtype != xHat.dtype ? predicted.to(xHat.dtype) : predicted.alias();
        var data = TargetParameterisation.DataEstimate(Target, raw, xHat, levels.Sigma, SigmaData);
        var noise = (xHat - data) / levels.Sigma;
        return new DenoisedPair(data, noise);
    }

    /// <summary>The network's parameter precision; null for a model without parameters (an analytic denoiser), which takes any.</summary>
    private ScalarType? ParameterType => _parameterType.Value;

    private readonly Lazy<ScalarType?> _parameterType;

    /// <summary>
    /// Without autograd (sampling, evaluation) a forward pass's intermediate activations are disposed as soon as it
    /// returns instead of at the end of the caller's scope: a solver step holds one network's activations, not one per
    /// evaluation (DPM-Solver-3 evaluates three times per step). With autograd they stay for the backward pass.
    /// </summary>
    private Tensor PredictKeepingOnlyTheOutput(Tensor input, Tensor t, StageSplit? split)
    {
        Tensor Predict() => split is null ? Model.Predict(input, t) : Model.Predict(input, t, null, split);
        if (is_grad_enabled()) return Predict();
        using var scope = NewDisposeScope();
        return Predict().MoveToOuterDisposeScope();
    }
}
