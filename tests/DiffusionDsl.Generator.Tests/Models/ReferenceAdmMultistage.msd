// The tiny ADM multistage network of scripts/reference/make_adm_fixture.py, written in .msd: the paper's LDM network
// (latent-diffusion's openaimodel.py, UNetModel_multistage) with model_channels 32, channel_mult [1, 1], one residual
// block per level, attention at 8x8 (downsample rate 2) with 32 channels per head, de_nfs [64, 32, 32] and the LDM
// runs' stage_interval [442, 631, 1000] in DDPM steps (t = n / 999). The reference's later decoders have no attention
// (its loop does not reset the downsample rate after the first decoder), hence `attention none`.
model ReferenceAdmMultistage {
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

  # Latent diffusion's DPMSolverSampler, as the paper's LDM figures sample: DPM-Solver++ multistep, 20 steps uniform in t.
  sample { solver dpm_solver_pp2m; steps 20; spacing time }
}
