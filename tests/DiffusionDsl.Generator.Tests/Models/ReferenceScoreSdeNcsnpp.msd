// The tiny network of scripts/reference/make_score_sde_network_fixture.py, written in .msd: the paper code's score_sde
// NCSN++ multistage network (NCSNpp_multimodel) as its multistage CIFAR-10 VP config configures it (BigGAN blocks, FIR
// resampling, residual input pyramid, positional embedding of nf channels, middle blocks in the shared encoder,
// GroupNorm min(C / 4, 16)), with en_nf 8, de_nfs [12, 8, 4], ch_mult (1, 2, 2), one block per level and attention at 8.
model ReferenceScoreSdeNcsnpp {
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
}
