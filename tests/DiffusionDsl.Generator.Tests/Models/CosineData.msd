// The cosine schedule predicting x0, with attention and three stages: for the PyTorch export's equivalence. Its sampling
// stops at t = 0.002 (end_time), so the exported sample.py's default end is checked against the C# sampler's.
model CosineData {
  namespace DiffusionDsl.Generator.Tests.Models
  image 1x8x8
  diffusion cosine predicts x0
  stages {
    a [0, 0.25)
    b [0.25, 0.6)
    c [0.6, 1]
  }
  encoder ddpmpp { width 8; mult [1, 1]; blocks 1; attention at 8 heads 2 }
  decoder a { width 8 }
  decoder b { width 8 }
  decoder c { width 4 }
  sample { end_time 0.002 }
}
