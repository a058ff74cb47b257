// The paper's CIFAR-10 EDM configuration (DDPM++ / SongUNet, encoder 128, decoders 192/128/16).
model Cifar10Multistage {
  namespace Examples.Cifar
  image 3x32x32
  diffusion edm(sigma_min = 0.002, sigma_max = 80, rho = 7) predicts edm

  stages in sigma {
    near_data  [0.002, 2.5103)
    middle     [2.5103, 7.6577)
    near_noise [7.6577, 80]
  }

  encoder ddpmpp {
    width 128
    mult [2, 2, 2]
    blocks 4
    attention at 16
    embedding positional 512
    dropout 0.13
    groups max 16
    augment 9     # EDM's augmentation labels (non-leaking augmentation)
  }

  decoder near_data  { width 192 }
  decoder middle     { width 128 }
  decoder near_noise { width 16 }

  train {
    batch 512
    lr 1e-3
    ema 0.9999
    stage_sampling proportional
  }
  sample { solver heun; steps 18 }
}
