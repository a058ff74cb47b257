using DiffusionDsl.Runtime.Schedules;
using DiffusionDsl.Runtime.Staging;
using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Diffusion;

/// <summary>The denoising score-matching loss of one batch, per sample, with each target's standard weight.</summary>
public static class DiffusionLoss
{
    /// <summary>
    /// Forms x_t = s_t (x0 + sigma_t eps), runs the model at per-sample times t and returns the mean squared
    /// error of its raw output against the target, one value per sample (shape [N]). With augmentation, x0 is the
    /// augmented batch (noise is added to it and it is the target, as in EDM's loss) and augmentLabels [N, 9] tell
    /// the network how each sample was augmented.
    /// </summary>
    /// <param name="split">How the batch splits into stages, when the caller knows it (the trainer): the model then
    /// routes without reading the split back from the device.</param>
    public static Tensor PerSample(Denoiser denoiser, Tensor x0, Tensor t, Tensor eps, Tensor? augmentLabels = null, StageSplit? split = null)
    {
        using var scope = NewDisposeScope();
        using var levels = NoiseLevels.Of(denoiser.Schedule, t, x0);
        var xHat = x0 + levels.Sigma * eps;
        var input = TargetParameterisation.ModelInput(denoiser.Target, xHat, levels.Scale, levels.Sigma, denoiser.SigmaData);
        var raw = split is null ? denoiser.Model.Predict(input, t, augmentLabels) : denoiser.Model.Predict(input, t, augmentLabels, split);
        var target = TargetParameterisation.RawTarget(denoiser.Target, x0, eps, levels.Sigma, denoiser.SigmaData);
        var dims = new long[x0.dim() - 1];
        for (int i = 0; i < dims.Length; i++) dims[i] = i + 1;
        return (raw - target).square().mean(dims).MoveToOuterDisposeScope();
    }
}
