#!/usr/bin/env python3
"""Writes the stage-draw fixtures: the noise levels and times the paper's own training code draws, many batches of
them, so a test can hold the runtime's TrainingTimeSampler to the same distributions.

    /usr/bin/python3 scripts/reference/make_draw_fixture.py --reference /path/to/Multistage_Diffusion [--out tests/Fixtures/Reference]

- EDM (edm/training/loss.py, EDMMultistageLoss.__call__, unchanged): one lognormal sigma picks the batch's stage, then
  every sample's sigma is rejection-sampled from the lognormal inside that stage. Called with a stand-in network that
  records the sigmas it is given and returns zeros. Stages (0.002, 0.3], (0.3, 1.2], (1.2, 80] in sigma: about half,
  three eighths and one eighth of EDM's lognormal (P_mean -1.2, P_std 1.2).
- VP (dpm-solver/score_sde_pytorch/losses.py, get_sde_loss_fn's loss_fn, unchanged, continuous, reduce_mean): a model
  whose class name holds "multimodel" makes it pick one stage uniformly (random.randint) and draw each t uniformly
  inside it, mapped by t (T - eps) + eps with eps 1e-5. The times are recorded from sde.marginal_prob's first call. Stages [0, 0.3],
  (0.3, 0.6], (0.6, 1] in t.

Each is 4,000 batches of 8 (edm-draws.safetensors: sigma [4000, 8]; vp-draws.safetensors: t [4000, 8]; float32).
"""
import os
import random
import sys
import types

import numpy as np
import torch

from reference_code import fixture_arguments, write_safetensors

BATCHES, BATCH = 4000, 8
EDM_BOUNDARIES = [0.3, 1.2]  # sigma
VP_BOUNDARIES = [0.3, 0.6]  # t


def edm_draws(reference):
    edm = os.path.join(reference, 'edm')
    sys.path.insert(0, edm if os.path.isdir(edm) else reference)
    from training.loss import EDMMultistageLoss  # noqa: E402  (the reference's class)
    recorded = []

    class StandIn:  # what EDMMultistageLoss reads of the DDP-wrapped EDMPrecond: net.module.model.stage_interval
        def __init__(self):
            b = EDM_BOUNDARIES
            self.module = types.SimpleNamespace(model=types.SimpleNamespace(
                stage_interval=[[[0.002, b[0]]], [[b[0], b[1]]], [[b[1], 80.0]]]))

        def __call__(self, x, sigma, labels, augment_labels=None):
            recorded.append(sigma.reshape(-1).clone())
            return torch.zeros_like(x)

    torch.manual_seed(21)
    loss, net, images = EDMMultistageLoss(), StandIn(), torch.zeros([BATCH, 1, 2, 2])
    for _ in range(BATCHES):
        loss(net, images)
    return torch.stack(recorded)


def vp_draws(reference):
    root = os.path.join(reference, 'dpm-solver', 'score_sde_pytorch')
    sys.path.insert(0, root if os.path.isdir(root) else reference)
    import losses, sde_lib  # noqa: E401,E402  (the reference's modules)

    class multimodel_stand_in(torch.nn.Module):  # noqa: N801  (losses.py looks for "multimodel" in the class name)
        def __init__(self):
            super().__init__()
            b = VP_BOUNDARIES
            self.stage_interval = [[[0.0, b[0]]], [[b[0], b[1]]], [[b[1], 1.0]]]

        def forward(self, x, labels):
            return torch.zeros_like(x)

    class Wrapped(torch.nn.Module):  # as DistributedDataParallel holds it: .module
        def __init__(self):
            super().__init__()
            self.module = multimodel_stand_in()

        def forward(self, x, labels):
            return self.module(x, labels)

    sde = sde_lib.VPSDE(beta_min=0.1, beta_max=20.0, N=1000)
    recorded, marginal_prob = [], sde.marginal_prob

    def recording(x, t):
        recorded.append(t.detach().clone().double())
        return marginal_prob(x, t)

    sde.marginal_prob = recording
    loss_fn = losses.get_sde_loss_fn(sde, train=True, reduce_mean=True, continuous=True, likelihood_weighting=False)
    random.seed(22)
    torch.manual_seed(23)
    model, batch, draws = Wrapped(), torch.zeros([BATCH, 1, 2, 2]), []
    for _ in range(BATCHES):
        recorded.clear()
        loss_fn(model, batch)
        draws.append(recorded[0])  # the loss's own call; its score function asks again for the same t's std
        assert all(torch.equal(r, recorded[0]) for r in recorded)
    return torch.stack(draws)


def main():
    args = fixture_arguments(__doc__)
    os.makedirs(args.out, exist_ok=True)
    sigma = edm_draws(args.reference)
    t = vp_draws(args.reference)
    meta = {'source': 'LucasYFL/Multistage_Diffusion edm/training/loss.py EDMMultistageLoss', 'torch': torch.__version__,
            'boundaries_sigma': str(EDM_BOUNDARIES)}
    write_safetensors(os.path.join(args.out, 'edm-draws.safetensors'), {'sigma': sigma.float()}, meta)
    meta = {'source': 'LucasYFL/Multistage_Diffusion dpm-solver/score_sde_pytorch/losses.py get_sde_loss_fn', 'torch': torch.__version__,
            'boundaries_t': str(VP_BOUNDARIES)}
    write_safetensors(os.path.join(args.out, 'vp-draws.safetensors'), {'t': t.float()}, meta)
    for name, values, bounds in (('edm sigma', sigma, EDM_BOUNDARIES), ('vp t', t, VP_BOUNDARIES)):
        stage = (values[:, :1] > bounds[0]).long() + (values[:, :1] > bounds[1]).long()
        print(name, [round(float((stage == k).float().mean()), 4) for k in range(3)], 'per batch')


if __name__ == '__main__':
    main()
