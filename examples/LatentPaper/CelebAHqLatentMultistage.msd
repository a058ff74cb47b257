// The paper's LDM configuration (latent-diffusion, configs/latent-diffusion/celebahq-ldm-vq-4_multistage224-256-192-128.yaml):
// CelebA-HQ 256x256 encoded by the VQ-f4 autoencoder into 3x64x64 latents, and openaimodel.py's UNetModel_multistage:
// model_channels 224, channel_mult [1, 2, 3, 4], 2 residual blocks per level, attention at downsample rates 2, 4 and 8
// (the latents' 32x32, 16x16 and 8x8) with 32 channels per head, decoders de_nfs [256, 192, 128] and stage_interval
// [442, 631, 1000] in DDPM steps, which sit at t = n / 999 here.
model CelebAHqLatentMultistage {
  namespace Examples.Latent
  image 3x64x64
  diffusion scaled_linear(beta_start = 0.0015, beta_end = 0.0195, steps = 1000)

  stages in t {
    near_data  [0, 0.44244244244244246)
    middle     [0.44244244244244246, 0.6316316316316316)
    near_noise [0.6316316316316316, 1]
  }

  encoder adm {
    width 224  mult [1, 2, 3, 4]  blocks 2
    attention at [32, 16, 8]
  }

  decoder near_data  { width 256 }
  # The reference's decoder loop does not reset its downsample rate after the first decoder, so only that one attends.
  decoder middle     { width 192  attention none }
  decoder near_noise { width 128  attention none }

  # The reference's training (ddpm.py, main.py): 16 latents per GPU, each GPU one stage (rank mod 3) with t among its
  # integer steps, so on 3 GPUs a step of 48 trains every stage on 16; AdamW with PyTorch's default weight decay 0.01 at
  # the config's base_learning_rate (the reference's main.py leaves --scale_lr off); no warm-up and no clipping (Lightning's
  # defaults); LitEma's 0.9999 with its (1 + n) / (10 + n) warm-up; float32 (Lightning's precision 32).
  train { batch 48; stage_groups 3; stage_sampling cyclic; lr 2e-6; weight_decay 0.01; warmup 0; clip 0; ema 0.9999; precision fp32 }

  # The reference's sampling for its FID (scripts/sample_diffusion.py -c 20, DPMSolverSampler): DPM-Solver++ multistep,
  # 20 steps uniform in t from step 999 to step 0.
  sample { solver dpm_solver_pp2m; steps 20; spacing time }
}
