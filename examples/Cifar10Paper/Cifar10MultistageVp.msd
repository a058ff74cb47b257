// The paper's CIFAR-10 multistage VP configuration (dpm-solver/score_sde_pytorch,
// configs/vp/cifar10_ncsnpp_multistage_deep_continuous_v2.py): score_sde's NCSN++ "deep" network with its shared
// encoder (nf 128, ch_mult (1, 2, 2, 2), 8 BigGAN blocks per level, attention at 16, its middle blocks in the encoder)
// and decoders of width 192 / 128 / 16, on the paper's VP boundaries, sampled with DPM-Solver.
model Cifar10MultistageVp {
  namespace Examples.Cifar
  image 3x32x32
  diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps

  stages {
    near_data  [0, 0.4420)
    middle     [0.4420, 0.6308)
    near_noise [0.6308, 1]
  }

  encoder ncsnpp {
    width 128  mult [1, 2, 2, 2]  blocks 8
    attention at 16
    embedding positional # score_sde's, of nf channels, fed 999 t
    middle encoder
    dropout 0.1
    groups max 16        # the config's model.group = 16: min(16, C / 4)
  }

  decoder near_data  { width 192 }
  decoder middle     { width 128 }
  decoder near_noise { width 16 }

  # Its training command: torchrun --nproc_per_node=2 with batch 128, so two stage draws of 64 per step; run_lib.py
  # loops over steps 0 through n_iters (950001), the first at learning rate 0.
  # float32 (score_sde trains without autocast; its convolutions may use TF32 on Ampere, which fp32 here turns off).
  train { batch 128; stage_groups 2; lr 2e-4; warmup 5000; clip 1; steps 950002; flip true; precision fp32 }
  # The paper's 20-step DPM-Solver figures (sample.sh) stop at t = 1e-4.
  sample { solver dpm_solver3; steps 20; end_time 1e-4 }
}
