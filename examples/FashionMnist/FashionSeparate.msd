// Fashion-MNIST baseline: the multistage boundaries with equal decoders, so every stage costs what
// the unified model costs (compare with FashionMultistage at matched compute).
model FashionSeparate {
  namespace Examples.FashionMnist
  image 1x28x28
  diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps
  stages {
    near_data  [0, 0.4500)
    middle     [0.4500, 0.8500)
    near_noise [0.8500, 1]
  }
  encoder ddpmpp {
    width 16
    mult [1, 2, 2]
    blocks 1
    attention at 7
    dropout 0.1
  }
  decoder near_data  { width 16 }
  decoder middle     { width 16 }
  decoder near_noise { width 16 }
  train { batch 64; lr 1e-3; steps 2000; stage_sampling proportional }
  sample { solver dpm_solver3; steps 20; count 16; clip true }
}
