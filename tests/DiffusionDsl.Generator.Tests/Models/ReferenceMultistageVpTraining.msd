// ReferenceMultistage.msd's network as a VP model (score_sde's continuous DDPM++: eps from F(x_t, 999 t)) at the
// boundaries of scripts/reference/make_vp_training_fixture.py, 0.3 and 0.6 in t. Its train section is that run's recipe:
// score_sde's one stage per batch, picked uniformly, Adam with a 3-step warm-up, gradient clipping at 1, the per-pixel
// mean loss, and an EMA of 0.999 with score_sde's warm-up.
model ReferenceMultistageVpTraining {
  image 3x16x16
  diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps

  stages {
    near_data  [0, 0.3)
    middle     [0.3, 0.6)
    near_noise [0.6, 1]
  }

  encoder ddpmpp {
    width 8  mult [1, 2]  blocks 1
    attention at 8
    groups max 16
  }

  decoder near_data  { width 12 }
  decoder middle     { width 8 }
  decoder near_noise { width 4 }

  train { batch 4; steps 6; lr 2e-3; warmup 3; clip 1; ema 0.999; stage_sampling uniform; precision fp32 }
}
