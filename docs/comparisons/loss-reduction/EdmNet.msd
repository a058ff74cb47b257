// The study's multistage network (examples/PaperComparisons MultistageNet) under EDM's preconditioning and schedule.
model EdmNet {
  namespace EdmExp
  image 1x28x28
  diffusion edm(sigma_min = 0.002, sigma_max = 80, rho = 7) predicts edm
  stages {
    near_data  [0, 0.45)
    middle     [0.45, 0.85)
    near_noise [0.85, 1]
  }
  encoder ddpmpp {
    width 16  mult [1, 2, 2]  blocks 1
    attention at 7
    dropout 0.05
  }
  decoder near_data  { width 20 }
  decoder middle     { width 12 }
  decoder near_noise { width 8 }
  train { batch 32; lr 2e-3; warmup 50; ema 0.999; ema_warmup 100000; clip 0; stage_sampling proportional }
  sample { solver heun; steps 18 }
}
