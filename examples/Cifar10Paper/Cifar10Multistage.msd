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
    groups max 16 # the paper's networks.py: GroupNorm(num_groups=16), i.e. min(16, C / 4)
    augment 9     # the input for EDM's 9 augmentation labels, fed by the train section's augment
  }

  decoder near_data  { width 192 }
  decoder middle     { width 128 }
  decoder near_noise { width 16 }

  # The reference's EDM training (edm/train.py and training_loop.py defaults): Adam at 1e-3 ramped up over the first
  # 10 Mimg (lr_rampup_kimg: counted in images, so it lasts as long at another batch), no gradient clipping, an EMA
  # with a half-life of 0.5 Mimg ramped up over the first images (ema_rampup 0.05, the default), and EDM's
  # augmentation at 0.12. The batch is the reference README's run: 128 images on 4 GPUs, each GPU drawing its own stage;
  # its length is EDM's default --duration of 200 Mimg.
  train {
    batch 128
    steps 1562500  # 200 Mimg / 128
    stage_groups 4
    lr 1e-3
    warmup_kimg 10000
    clip 0
    ema_halflife_kimg 500
    stage_sampling proportional
    augment 0.12  # EDM's non-leaking augmentation probability, as in the paper's runs
    precision fp32  # float32 with TF32 off, as EDM's training loop trains (auto would autocast to bf16 on CUDA)
  }
  sample { solver heun; steps 18 }
}
