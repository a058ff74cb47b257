// Table 4: the multistage decoders at log-SNR k-medians boundaries (`msd cluster --method logsnr`).
model LogSnrBoundariesNet {
  namespace PaperComparisons
  image 1x28x28
  diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps
  stages {
    near_data  [0, 0.3477)
    middle     [0.3477, 0.7085)
    near_noise [0.7085, 1]
  }
  encoder ddpmpp {
    width 16  mult [1, 2, 2]  blocks 1
    attention at 7
    dropout 0.05
  }
  decoder near_data  { width 20 }
  decoder middle     { width 12 }
  decoder near_noise { width 8 }
  // One recipe for every model of the study; the runner sets the steps from the shared GFLOPs budget.
  train { batch 32; lr 2e-3; warmup 50; ema 0.999; ema_warmup 100000; stage_sampling proportional }
  sample { solver dpm_solver3; steps 20; clip true }
}
