// The tiny NCSN++ multistage network of scripts/reference/make_fixtures.py, written in .msd: the paper code's
// MultistageUNet with EDM's --arch=ncsnpp options (Fourier embedding at twice the width, residual input pyramid,
// [1, 3, 3, 1] resampling), en_model_channels 8, de_model_channels [12, 8, 4], channel_mult [1, 2, 2], num_blocks 1,
// attention at 8x8 and its GroupNorm (num_groups 16), on the paper's CIFAR-10 EDM boundaries.
model ReferenceMultistageNcsnpp {
  image 3x16x16
  diffusion edm(sigma_min = 0.002, sigma_max = 80, rho = 7) predicts edm

  stages in sigma {
    near_data  [0.002, 2.5103)
    middle     [2.5103, 7.6577)
    near_noise [7.6577, 80]
  }

  encoder ncsnpp {
    width 8  mult [1, 2, 2]  blocks 1
    attention at 8
    groups max 16
  }

  decoder near_data  { width 12 }
  decoder middle     { width 8 }
  decoder near_noise { width 4 }
}
