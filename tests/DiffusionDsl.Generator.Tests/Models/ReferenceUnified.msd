// The tiny unified network of scripts/reference/make_fixtures.py: the paper code's SongUNet with
// model_channels 8, channel_mult [1, 2], num_blocks 1, attention at 8x8 and its GroupNorm (num_groups 16).
model ReferenceUnified {
  image 3x16x16
  diffusion edm(sigma_min = 0.002, sigma_max = 80, rho = 7) predicts edm

  stages in sigma {
    all [0.002, 80]
  }

  encoder ddpmpp {
    width 8  mult [1, 2]  blocks 1
    attention at 8
    groups max 16
  }

  decoder all { width 8 }
}
