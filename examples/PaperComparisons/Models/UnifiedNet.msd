// Table 2: one stage, one decoder for every t (a plain U-Net at the multistage model's encoder).
model UnifiedNet {
  namespace PaperComparisons
  image 1x28x28
  diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps
  stages {
    all [0, 1]
  }
  encoder ddpmpp {
    width 16  mult [1, 2, 2]  blocks 1
    attention at 7
    dropout 0.05
  }
  decoder all { width 16 }
  // One recipe for every model of the study; the runner sets the steps from the shared GFLOPs budget.
  train { batch 32; lr 2e-3; warmup 50; ema 0.999; ema_warmup 100000; stage_sampling proportional }
  sample { solver dpm_solver3; steps 20; clip true }
}
