// The main job: a small three-stage model that trains on Fashion-MNIST on a CPU in minutes.
// Boundaries from `msd cluster --data /usr/share/datasets/fashion-mnist --schedule vp --stages 3`.
model FashionQuickStart {
  namespace QuickStart
  image 1x28x28
  diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps

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

  // Wide near the data, narrow near the noise (the paper's tailored decoders).
  decoder near_data  { width 24 }
  decoder middle     { width 16 }
  decoder near_noise { width 8 }

  train {
    batch 24
    lr 2e-3
    warmup 50
    ema 0.999
    ema_warmup 100000   # early EMA decay (1+n)/(10+n) after n updates: the average follows a short run
    steps 1300
    # Each batch from one stage, chosen in proportion to the stage's share of t: near_data, where the garments
    # take shape, gets 45% of the steps (uniform gave it a third).
    stage_sampling proportional
    checkpoint_every 200
    log_every 20
  }
  sample { solver dpm_solver3; steps 20; count 64; clip true }   # clip: a short run's estimates stay in [-1, 1]
}
