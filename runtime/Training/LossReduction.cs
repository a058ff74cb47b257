using DiffusionDsl.Runtime.Diffusion;

namespace DiffusionDsl.Runtime.Training;

/// <summary>
/// How a sample's squared error over its pixels enters the gradient. The logged loss is the per-pixel mean either way;
/// Adam is blind to the difference but for its eps (1e-8), which a mean over a 3x32x32 image makes about 3,000 times
/// larger relative to the gradients.
/// </summary>
public enum LossReduction
{
    /// <summary>The mean over the pixels: score_sde's reduce_mean = True, which the paper's multistage VP config sets.</summary>
    Mean,

    /// <summary>
    /// The sum over the pixels: EDM's loss.py returns the per-pixel loss and training_loop.py backpropagates
    /// loss.sum() x loss_scaling / batch_gpu_total.
    /// </summary>
    Sum,
}

public static class LossReductions
{
    /// <summary>The reduction of the codebase whose preconditioning the model uses: EDM's sums, score_sde's averages.</summary>
    public static LossReduction For(PredictionTarget target) => target == PredictionTarget.Edm ? LossReduction.Sum : LossReduction.Mean;

    /// <summary>The factor on the per-pixel mean that gives <paramref name="reduction"/>'s per-sample loss.</summary>
    public static double Scale(this LossReduction reduction, long pixelsPerSample) => reduction == LossReduction.Sum ? pixelsPerSample : 1.0;
}
