// Two stages on 1x8x8 images: trains a few steps in seconds on a CPU.
model TinyGray {
  namespace TinyModels
  image 1x8x8
  diffusion vp predicts eps
  stages {
    low  [0, 0.5)
    high [0.5, 1]
  }
  encoder ddpmpp { width 8; mult [1, 2]; blocks 1 }
  decoder low  { width 8 }
  decoder high { width 4 }
  train { batch 4; lr 1e-3; steps 6; ema 0.9; checkpoint_every 3; log_every 1 }
  sample { solver dpm_solver3; steps 4; count 4 }
}
