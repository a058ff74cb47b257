// The full block-by-block form, sigma-unit stages, and shared middle blocks.
model EdmFullForm {
  namespace DiffusionDsl.Generator.Tests.Models
  image 3x16x16
  diffusion edm(sigma_min = 0.002, sigma_max = 80) predicts edm
  stages in sigma {
    low  [0.002, 1.5)
    high [1.5, 80]
  }
  encoder ddpmpp {
    width 16
    level 16 { width 16  blocks 1 }
    level 8  { width 32  blocks 2  attention }
    embedding fourier 64
    middle encoder
    attention at 8 heads 2
  }
  decoder low {
    level 8  { width 32  blocks 3  attention }
    level 16 { width 16  blocks 2 }
  }
  decoder high { width 8 }
  train { eval_every 250  eval_count 64 }
  // EDM's stochastic sampler with its ImageNet settings (S_churn 40, S_min 0.05, S_max 50, S_noise 1.003).
  sample { solver heun; steps 18; churn 40; churn_min 0.05; churn_max 50; churn_noise 1.003 }
}
