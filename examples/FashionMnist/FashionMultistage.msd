// Fashion-MNIST, three stages: boundaries from `msd cluster --data /usr/share/datasets/fashion-mnist
// --schedule vp --stages 3`; wider decoder near the data, narrow near the noise, at about the
// unified model's compute: 0.45 x 0.164 + 0.40 x 0.080 + 0.15 x 0.052 = 0.114 vs 0.117 GFLOPs per t.
model FashionMultistage {
  namespace Examples.FashionMnist
  image 1x28x28
  diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps
  stages {
    near_data  [0, 0.4500)
    middle     [0.4500, 0.8500)
    near_noise [0.8500, 1]
  }
  encoder ddpmpp {
    width 16
    mult [1, 2, 2]
    blocks 1
    attention at 7
    dropout 0.1
  }
  decoder near_data  { width 20 }
  decoder middle     { width 12 }
  decoder near_noise { width 8 }
  train { batch 64; lr 1e-3; steps 2000; stage_sampling proportional }
  sample { solver dpm_solver3; steps 20; count 16; clip true }
}
