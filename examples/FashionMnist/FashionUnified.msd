// Fashion-MNIST baseline: one stage, one decoder for every t (a plain U-Net).
model FashionUnified {
  namespace Examples.FashionMnist
  image 1x28x28
  diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps
  stages {
    all [0, 1]
  }
  encoder ddpmpp {
    width 16
    mult [1, 2, 2]
    blocks 1
    attention at 7
    dropout 0.1
  }
  decoder all { width 16 }
  train { batch 64; lr 1e-3; steps 2000; stage_sampling proportional }
  sample { solver dpm_solver3; steps 20; count 16; clip true }
}
