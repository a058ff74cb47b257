namespace DiffusionDsl.Runtime.Diffusion;

/// <summary>What the network predicts: noise, clean data, velocity, or EDM's preconditioned F.</summary>
public enum PredictionTarget { Eps, X0, V, Edm }
