using static TorchSharp.torch;

namespace DiffusionDsl.Runtime.Diffusion;

/// <summary>A denoiser's estimates of the clean data and of the noise, in the unscaled variable x_hat = x0 + sigma eps.</summary>
public sealed record DenoisedPair(Tensor Data, Tensor Noise);
