// ReferenceMultistage.msd's network at the boundaries of scripts/reference/make_training_fixture.py: 0.2 and 0.6 in
// sigma, where EDM's lognormal draws land about a third of the time in each stage, so the reference's training loop
// trains every decoder within a few steps. Its train section is that run's recipe: EDM's Adam, the learning rate
// ramped over 12 images, an EMA half-life of 10 images without ramp-up, no clipping, float32.
model ReferenceMultistageTraining {
  image 3x16x16
  diffusion edm(sigma_min = 0.002, sigma_max = 80, rho = 7) predicts edm

  stages in sigma {
    near_data  [0.002, 0.2)
    middle     [0.2, 0.6)
    near_noise [0.6, 80]
  }

  encoder ddpmpp {
    width 8  mult [1, 2]  blocks 1
    attention at 8
    groups max 16
  }

  decoder near_data  { width 12 }
  decoder middle     { width 8 }
  decoder near_noise { width 4 }

  train { batch 4; steps 6; lr 2e-3; warmup_kimg 0.012; clip 0; ema_halflife_kimg 0.01; ema_rampup 0; precision fp32 }
}
