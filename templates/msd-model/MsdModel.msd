// A multistage diffusion model. Every build checks this file (errors point at its line and column)
// and generates the MsdModel network, MsdModelTrainer and MsdModelSampler that Program.cs uses.
// The language is described in the DiffusionDsl README ("A model in .msd"); `msd info MsdModel.msd`
// prints the parameters and GFLOPs of each stage (msd is the dotnet tool DiffusionDsl.Cli: README, "msd as a dotnet tool").
model MsdModel {
  namespace MsdModel
  image 1x28x28   # channels x height x width: height and width divide by 4 (the encoder halves them twice)
  diffusion vp(beta_min = 0.1, beta_max = 20) predicts eps

  // Diffusion time [0, 1] split into stages; each stage has its own decoder, the encoder is shared.
  // Fit the boundaries to your data: msd cluster --data DATA --stages N --msd MsdModel.msd
  stages {
//#if (stages == "2")
    near_data  [0, 0.5)
    near_noise [0.5, 1]
//#elseif (stages == "4")
    near_data    [0, 0.3)
    lower_middle [0.3, 0.6)
    upper_middle [0.6, 0.85)
    near_noise   [0.85, 1]
//#else
    near_data  [0, 0.45)
    middle     [0.45, 0.85)
    near_noise [0.85, 1]
//#endif
  }

  encoder ddpmpp {
    width 16  mult [1, 2, 2]  blocks 1
    dropout 0.05
  }

  // Wide near the data, narrow near the noise: where the details form gets the capacity.
//#if (stages == "2")
  decoder near_data  { width 24 }
  decoder near_noise { width 8 }
//#elseif (stages == "4")
  decoder near_data    { width 24 }
  decoder lower_middle { width 16 }
  decoder upper_middle { width 12 }
  decoder near_noise   { width 8 }
//#else
  decoder near_data  { width 24 }
  decoder middle     { width 16 }
  decoder near_noise { width 8 }
//#endif

  train {
    batch 24
    lr 2e-3
    warmup 50
    ema 0.999
    ema_warmup 100000   # early EMA decay (1+n)/(10+n) after n updates: the average follows a short run
    steps 1300
    stage_sampling proportional   # each batch from one stage, in proportion to the stage's share of t
    checkpoint_every 200
    log_every 20
  }
  sample { solver dpm_solver3; steps 20; count 64; clip true }
}
