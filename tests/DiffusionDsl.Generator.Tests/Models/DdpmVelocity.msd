// The discrete DDPM schedule predicting v, with augmentation labels, flips and a fixed GroupNorm count: for the PyTorch export's equivalence.
model DdpmVelocity {
  namespace DiffusionDsl.Generator.Tests.Models
  image 3x8x8
  diffusion ddpm(beta_start = 1e-4, beta_end = 0.02, steps = 1000) predicts v
  stages {
    early [0, 0.3)
    late  [0.3, 1]
  }
  encoder ddpmpp { width 8; mult [1, 2]; blocks 2; groups 4; augment 9; embedding positional 24 }
  decoder early { width 12 }
  decoder late  { width 4 }
  train { augment 0.1; flip true }
}
