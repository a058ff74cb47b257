// A second model in the same assembly, on 3x8x8 images with the EDM schedule.
model TinyColor {
  namespace TinyModels
  image 3x8x8
  diffusion edm predicts edm
  stages {
    low  [0, 0.5)
    high [0.5, 1]
  }
  encoder ddpmpp { width 8; mult [1, 2]; blocks 1 }
  decoder low  { width 8 }
  decoder high { width 4 }
  train { batch 4; steps 4; stage_groups 2 }
  sample { solver heun; steps 3; count 2 }
}
