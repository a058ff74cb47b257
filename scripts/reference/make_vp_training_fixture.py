#!/usr/bin/env python3
"""Writes the VP training-equality fixture: six steps of the paper code's own score_sde training step
(dpm-solver/score_sde_pytorch: losses.get_step_fn with its multistage loss, optimization_manager's warm-up and gradient
clipping, get_optimizer's Adam and models/ema.py's ExponentialMovingAverage), called as run_lib.py's training loop
calls it, recording every draw (the stage, the times and the unit noise of each step) and the weights and EMA it ends
with (multistage-vp.training.safetensors).

    /usr/bin/python3 scripts/reference/make_vp_training_fixture.py --reference /path/to/Multistage_Diffusion [--out tests/Fixtures/Reference]

The network of the first two runs is make_fixtures.py's tiny multistage DDPM++ (edm/training/networks.py's
MultistageUNet, with its O(1) weights), given to score_sde as its continuous VP models are called, F(x_t, 999 t), and
routed, as the reference's NCSN++ multistage model routes a batch, by its first sample's time, (lo, hi] (NCSN++
compares 999 t with 1000 x the boundary; the script refuses a draw in the 0.1% between the two). The wrapper's class
name holds "multimodel", which is what makes losses.py draw one stage per batch. The third run
(multistage-vp-ncsnpp.training.safetensors) trains the reference's NCSN++ network itself, NCSNpp_multimodel, from the
weights of make_score_sde_network_fixture.py's checkpoint, and writes its weights under EDM's names by the shipped
converter's map (scripts/convert/score_sde_weights.py). It runs under DistributedDataParallel (one gloo process, find_unused_parameters
as run_lib.py wraps it) with PyTorch 2's zero_grad default, set_to_none=True: the reference's requirements.txt pins
torch==2.0.0+cu117, while Debian's PyTorch 1.13 would zero the idle decoders' gradients and let Adam move them on their
momentum.
"""
import os
import random
import sys
import tempfile
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


def edm_state(net):
    """The NCSN++ network's weights under EDM's names, by the shipped converter's map."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'convert'))
    from score_sde_weights import Architecture, edm_names  # noqa: E402
    state = {k: v.detach().clone() for k, v in net.state_dict().items() if k != 'sigmas'}
    return edm_names(state, Architecture(image_size=16, ch_mult=(1, 2, 2), num_res_blocks=1, attn_resolutions=(8,), stages=3))


def train(rank, world, reference, weights_path, result_path, network='ddpmpp'):
    """One process of the run: its share of each step's batch, its own stage draws (losses.py's unseeded random, seeded
    here per rank), DDP averaging the gradients over the processes. Writes what it drew, its losses and the weights.
    network 'ncsnpp' trains the reference's own NCSN++ (make_score_sde_network_fixture.py's tiny NCSNpp_multimodel with
    its checkpoint's weights), which routes a batch itself, and writes its weights under EDM's names."""
    losses, sde_lib, ExponentialMovingAverage = score_sde_modules(reference)
    if network == 'ncsnpp':
        import make_score_sde_network_fixture as ncsnpp_fixture
        net = ncsnpp_fixture.network(reference)
        ncsnpp_fixture.scramble(net, torch.Generator().manual_seed(11))  # the fixture checkpoint's 'model' weights
        checkpoint = torch.load(os.path.join(os.path.dirname(weights_path), 'multistage-vp-ncsnpp.checkpoint.pth'), map_location='cpu')
        saved = {k[len('module.'):]: v for k, v in checkpoint['model'].items()}
        if any(not torch.equal(saved[k], v) for k, v in net.state_dict().items()):
            raise SystemExit('the weights differ from the committed multistage-vp-ncsnpp.checkpoint.pth: rerun make_score_sde_network_fixture.py first')
        assert [[list(i) for i in s] for s in net.stage_interval] == [[[0, BOUNDARIES[0]]], [[BOUNDARIES[0], BOUNDARIES[1]]], [[BOUNDARIES[1], 1]]]
        state_of = lambda: edm_state(net)  # noqa: E731
    else:
        networks = load_networks(reference)
        precond = build(networks, multistage=True)
        committed = read_safetensors(weights_path)
        for name, value in precond.model.state_dict().items():
            if name in committed and not np.array_equal(committed[name], value.numpy()):
                raise SystemExit(f'{name} differs from the committed multistage.weights.safetensors: rerun make_fixtures.py first')
        net = multimodel_tiny(precond.model)
        state_of = lambda: {k: v.detach().clone() for k, v in precond.model.state_dict().items()}  # noqa: E731

    os.environ['MASTER_ADDR'], os.environ['MASTER_PORT'] = 'localhost', str(29518 + world)
    torch.distributed.init_process_group('gloo', rank=rank, world_size=world)
    zero_grad = torch.optim.Optimizer.zero_grad
    torch.optim.Optimizer.zero_grad = lambda self, set_to_none=True: zero_grad(self, set_to_none=set_to_none)

    model = torch.nn.parallel.DistributedDataParallel(net.train(), find_unused_parameters=True)
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

    random.seed(CONFIG['seed'] + 1000 * rank)
    torch.manual_seed(CONFIG['seed'] + rank)
    share = BATCH // world
    images = torch.rand([STEPS, BATCH, 3, 16, 16], generator=torch.Generator().manual_seed(8)) * 2 - 1
    sde.marginal_prob, torch.randn_like = recording_marginal_prob, recording_randn_like
    try:
        for step in range(STEPS):  # run_lib.py's training loop: loss = train_step_fn(state, batch, labels)
            recorded.append({})
            recorded[-1]['loss'] = step_fn(state, images[step, rank * share:(rank + 1) * share], None).detach().clone().reshape(1)
    finally:
        torch.randn_like = randn_like
    torch.distributed.destroy_process_group()

    trained = state_of()
    ema.copy_to(model.parameters())
    average = state_of()
    torch.save(dict(images=images, recorded=recorded, trained=trained, average=average), result_path)


def main():
    args = fixture_arguments(__doc__)
    weights_path = os.path.join(args.out, 'multistage.weights.safetensors')
    committed = read_safetensors(weights_path)
    runs = ((1, 'multistage-vp.training.safetensors', 'ddpmpp'), (2, 'multistage-vp-2ranks.training.safetensors', 'ddpmpp'),
            (1, 'multistage-vp-ncsnpp.training.safetensors', 'ncsnpp'))
    for world, name, network in runs:
        with tempfile.TemporaryDirectory() as scratch:
            results = [os.path.join(scratch, f'rank{r}.pt') for r in range(world)]
            torch.multiprocessing.spawn(spawned, args=(world, args.reference, weights_path, results, network), nprocs=world)
            ranks = [torch.load(path) for path in results]
        first = ranks[0]
        # The global batch is the ranks' shares in rank order; the loss run_lib reports is each rank's own, and the
        # gradient DDP applies is their average, so the fixture's loss is the mean over the ranks.
        tensors = {'images': first['images'],
                   't': torch.stack([torch.cat([r['recorded'][s]['t'] for r in ranks]) for s in range(STEPS)]),
                   'noise': torch.stack([torch.cat([r['recorded'][s]['noise'] for r in ranks]) for s in range(STEPS)]),
                   'loss': torch.stack([torch.cat([r['recorded'][s]['loss'] for r in ranks]).mean().reshape(1) for s in range(STEPS)])}
        for r in ranks[1:]:
            if any(not torch.equal(r['trained'][k], first['trained'][k]) for k in first['trained']):
                raise SystemExit('the ranks ended with different weights')
        names = [k for k in first['trained'] if not k.endswith('resample_filter')]
        tensors.update({f'trained.{k}': first['trained'][k] for k in names})
        tensors.update({f'ema.{k}': first['average'][k] for k in names})
        meta = {'source': 'LucasYFL/Multistage_Diffusion dpm-solver/score_sde_pytorch losses.get_step_fn, models/ema.py',
                'network': network, 'torch': torch.__version__, 'batch': str(BATCH), 'ranks': str(world), 'steps': str(STEPS), 'boundaries': str(BOUNDARIES),
                **{k: str(v) for k, v in CONFIG.items()}}
        write_safetensors(os.path.join(args.out, name), tensors, meta)
        share = BATCH // world
        stages = [[sum(1 for b in BOUNDARIES if tensors['t'][s, r * share].item() > b) for r in range(world)] for s in range(STEPS)]
        in_band = [t for t in tensors['t'].flatten().tolist() if any(b < t <= b * 1000 / 999 for b in BOUNDARIES)]
        if in_band:
            raise SystemExit(f'{name}: times {in_band} fall where the reference (999 t against 1000 x the boundary) and the runtime route apart')
        moved = max((first['trained'][k] - torch.tensor(committed[k])).abs().max().item() for k in committed) if network == 'ddpmpp' else float('nan')
        print(f'{name}: {STEPS} steps of {BATCH} over {world} process(es); stages per step and process {stages}; '
              f'losses {[round(x, 4) for x in tensors["loss"].flatten().tolist()]}; the largest weight change {moved:.4g}')


def spawned(rank, world, reference, weights_path, results, network):
    train(rank, world, reference, weights_path, results[rank], network)


if __name__ == '__main__':
    main()
