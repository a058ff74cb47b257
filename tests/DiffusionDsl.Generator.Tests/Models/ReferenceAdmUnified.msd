// The tiny unified ADM network of scripts/reference/make_adm_fixture.py: latent-diffusion's UNetModel with
// model_channels 32, channel_mult [1, 1], one residual block per level, attention at 8x8 with 32 channels per head.
model ReferenceAdmUnified {
  image 3x16x16
  diffusion scaled_linear(beta_start = 0.0015, beta_end = 0.0195, steps = 1000)

  stages in t {
    all [0, 1]
  }

  encoder adm {
    width 32  mult [1, 1]  blocks 1
    attention at 8
  }

  decoder all { width 32 }
}
