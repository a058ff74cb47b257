// An ADM network with what the reference fixtures' tiny ones leave out, for the PyTorch export's equivalence: two blocks
// per level, two attention levels with a fixed head count, capped GroupNorm counts, augmentation labels, Fourier noise
// features, dropout, and decoders of their own widths.
model AdmFullOptions {
  image 3x16x16
  diffusion scaled_linear(beta_start = 0.0015, beta_end = 0.0195, steps = 1000)

  stages in t {
    near_data  [0, 0.5)
    near_noise [0.5, 1]
  }

  encoder adm {
    width 16  mult [1, 2]  blocks 2
    attention at [16, 8] heads 2
    groups max 8
    embedding fourier
    augment 9
    dropout 0.1
  }

  decoder near_data  { width 24 }
  decoder near_noise { width 8  attention none }

  train { augment 0.12 }
}
