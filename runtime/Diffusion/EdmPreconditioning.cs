using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Diffusion;

/// <summary>
/// EDM Table 1 preconditioning for D(x; sigma) = c_skip x + c_out F(c_in x; c_noise), with c_noise = ln(sigma)/4
/// supplied by the model through the schedule's noise label.
/// </summary>
public static class EdmPreconditioning
{
    public static Tensor CSkip(Tensor sigma, double sigmaData) => sigmaData * sigmaData / (sigma.square() + sigmaData * sigmaData);

    public static Tensor COut(Tensor sigma, double sigmaData) => sigma * sigmaData / (sigma.square() + sigmaData * sigmaData).sqrt();

    public static Tensor CIn(Tensor sigma, double sigmaData) => (sigma.square() + sigmaData * sigmaData).rsqrt();

    /// <summary>EDM's loss weight lambda(sigma) = (sigma^2 + sigma_data^2) / (sigma sigma_data)^2 = 1 / c_out^2.</summary>
    public static Tensor LossWeight(Tensor sigma, double sigmaData) => (sigma.square() + sigmaData * sigmaData) / (sigma * sigmaData).square();
}
