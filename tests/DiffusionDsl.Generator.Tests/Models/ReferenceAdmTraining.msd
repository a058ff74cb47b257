// ReferenceAdmMultistage.msd's network (the tiny UNetModel_multistage of scripts/reference/make_adm_fixture.py) with the
// train section of scripts/reference/make_ldm_training_fixture.py's run of the reference's LatentDiffusion: three
// processes of two latents, each training its own stage (rank mod 3) on integer steps, AdamW with PyTorch's default
// weight decay and no warm-up or clipping, LitEma's 0.9999 with its warm-up. The learning rate is that run's 1e-3.
model ReferenceAdmTraining {
  image 3x16x16
  diffusion scaled_linear(beta_start = 0.0015, beta_end = 0.0195, steps = 1000)

  stages in t {
    near_data  [0, 0.44244244244244246)
    middle     [0.44244244244244246, 0.6316316316316316)
    near_noise [0.6316316316316316, 1]
  }

  encoder adm {
    width 32  mult [1, 1]  blocks 1
    attention at 8
  }

  decoder near_data  { width 64 }
  decoder middle     { width 32  attention none }
  decoder near_noise { width 32  attention none }

  train { batch 6; steps 6; stage_groups 3; stage_sampling cyclic; lr 1e-3; weight_decay 0.01; warmup 0; clip 0; ema 0.9999; precision fp32 }
}
