// ReferenceScoreSdeNcsnpp.msd's network (the reference's score_sde NCSN++, tiny) with the train section of
// ReferenceMultistageVpTraining.msd, the recipe of scripts/reference/make_vp_training_fixture.py's runs: score_sde's one
// stage per batch, picked uniformly, Adam with a 3-step warm-up, gradient clipping at 1, the per-pixel mean loss, and an
// EMA of 0.999 with score_sde's warm-up.
model ReferenceScoreSdeNcsnppTraining {
  image 3x16x16
  diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps

  stages {
    near_data  [0, 0.3)
    middle     [0.3, 0.6)
    near_noise [0.6, 1]
  }

  encoder ncsnpp {
    width 8  mult [1, 2, 2]  blocks 1
    attention at 8
    embedding positional
    middle encoder
    groups max 16
  }

  decoder near_data  { width 12 }
  decoder middle     { width 8 }
  decoder near_noise { width 4 }

  train { batch 4; steps 6; lr 2e-3; warmup 3; clip 1; ema 0.999; stage_sampling uniform; precision fp32 }
}
