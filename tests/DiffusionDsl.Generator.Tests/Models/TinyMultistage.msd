// A tiny three-stage model for fast CPU tests.
model TinyMultistage {
  namespace DiffusionDsl.Generator.Tests.Models
  image 1x8x8
  diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps
  stages {
    near_data  [0, 0.442)
    middle     [0.442, 0.631)
    near_noise [0.631, 1]
  }
  encoder ddpmpp {
    width 8
    mult [1, 2]
    blocks 1
    attention at 4
    dropout 0.1  # dropout inside residual blocks
  }
  decoder near_data  { width 16 }
  decoder middle     { width 8 }
  decoder near_noise { width 4 }
  train { batch 8; lr 1e-3; steps 20; stage_sampling mixed }
  sample { solver dpm_solver3; steps 12; count 4 }
}
