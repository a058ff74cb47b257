#!/usr/bin/env python3
"""Writes the VP training-equality fixture: six steps of the paper code's own score_sde training step
(dpm-solver/score_sde_pytorch: losses.get_step_fn with its multistage loss, optimization_manager's warm-up and gradient
clipping, get_optimizer's Adam and models/ema.py's ExponentialMovingAverage), called as run_lib.py's training loop
calls it, recording every draw (the stage, the times and the unit noise of each step) and the weights and EMA it ends
with (multistage-vp.training.safetensors).

    /usr/bin/python3 scripts/reference/make_vp_training_fixture.py --reference /path/to/Multistage_Diffusion [--out tests/Fixtures/Reference]

The network is make_fixtures.py's tiny multistage DDPM++ (edm/training/networks.py's MultistageUNet, with its O(1)
weights), given to score_sde as its continuous VP models are called, F(x_t, 999 t), and routed, as the reference's
NCSN++ multistage model routes a batch, by its first sample's time, (lo, hi] (NCSN++ compares 999 t with 1000 x the
boundary; no draw here falls in the 0.1% between the two). The wrapper's class name holds
"multimodel", which is what makes losses.py draw one stage per batch. The reference's NCSN++ network itself is not
what .msd builds, so it is not used. It runs under DistributedDataParallel (one gloo process, find_unused_parameters
as run_lib.py wraps it) with PyTorch 2's zero_grad default, set_to_none=True: the reference's requirements.txt pins
torch==2.0.0+cu117, while Debian's PyTorch 1.13 would zero the idle decoders' gradients and let Adam move them on their
momentum.
"""
import os
import random
import sys
import types

import numpy as np
import torch

from make_fixtures import build
from reference_code import fixture_arguments, load_networks, read_safetensors, write_safetensors

BATCH = 4
STEPS = 6
BOUNDARIES = [0.3, 0.6]  # in t: three stages the uniform stage draw picks alike
# The multistage VP config's optimizer and EMA (Adam, beta1 0.9, eps 1e-8, no weight decay, clip 1), with a learning
# rate, warm-up and EMA rate that show within six steps.
CONFIG = dict(lr=2e-3, warmup=3, grad_clip=1.0, ema_rate=0.999, beta_min=0.1, beta_max=20.0, seed=3)


class multimodel_tiny(torch.nn.Module):  # noqa: N801  (losses.py looks for "multimodel" in the class name)
    def __init__(self, net):
        super().__init__()
        self.net = net
        self.stage_interval = [[[0.0, BOUNDARIES[0]]], [[BOUNDARIES[0], BOUNDARIES[1]]], [[BOUNDARIES[1], 1.0]]]

    def forward(self, x, labels):
        t = labels[0].item() / 999
        stage = sum(1 for b in BOUNDARIES if t > b)
        self.net.stage_interval = [[[float('inf'), float('inf')]] if k != stage else [[0.0, float('inf')]] for k in range(3)]
        return self.net(x, labels, class_labels=None)


def score_sde_modules(reference):
    root = os.path.join(reference, 'dpm-solver', 'score_sde_pytorch')
    sys.path.insert(0, root if os.path.isdir(root) else reference)
    import losses, sde_lib  # noqa: E401,E402  (the reference's modules)
    from models.ema import ExponentialMovingAverage  # noqa: E402
    return losses, sde_lib, ExponentialMovingAverage


def main():
    args = fixture_arguments(__doc__)
    networks = load_networks(args.reference)
    losses, sde_lib, ExponentialMovingAverage = score_sde_modules(args.reference)
    precond = build(networks, multistage=True)
    committed = read_safetensors(os.path.join(args.out, 'multistage.weights.safetensors'))
    for name, value in precond.model.state_dict().items():
        if name in committed and not np.array_equal(committed[name], value.numpy()):
            raise SystemExit(f'{name} differs from the committed multistage.weights.safetensors: rerun make_fixtures.py first')

    os.environ.setdefault('MASTER_ADDR', 'localhost')
    os.environ.setdefault('MASTER_PORT', '29518')
    torch.distributed.init_process_group('gloo', rank=0, world_size=1)
    zero_grad = torch.optim.Optimizer.zero_grad
    torch.optim.Optimizer.zero_grad = lambda self, set_to_none=True: zero_grad(self, set_to_none=set_to_none)

    model = torch.nn.parallel.DistributedDataParallel(multimodel_tiny(precond.model).train(), find_unused_parameters=True)
    config = types.SimpleNamespace(optim=types.SimpleNamespace(optimizer='Adam', lr=CONFIG['lr'], beta1=0.9, eps=1e-8, weight_decay=0,
                                                               warmup=CONFIG['warmup'], grad_clip=CONFIG['grad_clip']))
    optimizer = losses.get_optimizer(config, model.parameters())
    ema = ExponentialMovingAverage(model.parameters(), decay=CONFIG['ema_rate'])
    state = dict(optimizer=optimizer, model=model, ema=ema, step=0)
    sde = sde_lib.VPSDE(beta_min=CONFIG['beta_min'], beta_max=CONFIG['beta_max'], N=1000)
    step_fn = losses.get_step_fn(sde, train=True, optimize_fn=losses.optimization_manager(config), reduce_mean=True, continuous=True,
                                 likelihood_weighting=False)

    recorded = []
    marginal_prob, randn_like = sde.marginal_prob, torch.randn_like

    def recording_marginal_prob(x, t):
        recorded[-1]['t'] = t.detach().clone().double()
        return marginal_prob(x, t)

    def recording_randn_like(x, *a, **k):
        noise = randn_like(x, *a, **k)
        recorded[-1]['noise'] = noise.detach().clone()
        return noise

    random.seed(CONFIG['seed'])
    torch.manual_seed(CONFIG['seed'])
    images = torch.rand([STEPS, BATCH, 3, 16, 16], generator=torch.Generator().manual_seed(8)) * 2 - 1
    sde.marginal_prob, torch.randn_like = recording_marginal_prob, recording_randn_like
    try:
        for step in range(STEPS):  # run_lib.py's training loop: loss = train_step_fn(state, batch, labels)
            recorded.append({})
            recorded[-1]['loss'] = step_fn(state, images[step], None).detach().clone().reshape(1)
    finally:
        torch.randn_like = randn_like
    torch.distributed.destroy_process_group()

    names = list(precond.model.state_dict().keys())
    trained = {k: v.detach().clone() for k, v in precond.model.state_dict().items()}
    ema.copy_to(model.parameters())
    average = {k: v.detach().clone() for k, v in precond.model.state_dict().items()}
    tensors = {'images': images, **{name: torch.stack([r[name] for r in recorded]) for name in ('t', 'noise', 'loss')}}
    tensors.update({f'trained.{k}': trained[k] for k in names if not k.endswith('resample_filter')})
    tensors.update({f'ema.{k}': average[k] for k in names if not k.endswith('resample_filter')})
    meta = {'source': 'LucasYFL/Multistage_Diffusion dpm-solver/score_sde_pytorch losses.get_step_fn, models/ema.py',
            'torch': torch.__version__, 'batch': str(BATCH), 'steps': str(STEPS), 'boundaries': str(BOUNDARIES),
            **{k: str(v) for k, v in CONFIG.items()}}
    write_safetensors(os.path.join(args.out, 'multistage-vp.training.safetensors'), tensors, meta)
    stages = [sum(1 for b in BOUNDARIES if r['t'][0].item() > b) for r in recorded]
    moved = max((trained[k] - torch.tensor(committed[k])).abs().max().item() for k in committed)
    print(f'{STEPS} steps of {BATCH}; stage per step {stages}; losses {[round(r["loss"].item(), 4) for r in recorded]}; '
          f'the largest weight change {moved:.4g}')


if __name__ == '__main__':
    main()
