#!/usr/bin/env python3
"""Writes the sampler-equality fixtures: the paper code's own EDM sampler (edm/generate.py's edm_sampler) run on the tiny
multistage network of make_fixtures.py, from fixed latents: deterministic Heun (S_churn 0, multistage.heun.safetensors)
and stochastic Heun (EDM Algorithm 2, S_churn 2, S_min 0.05, S_max 50, S_noise 1.003: multistage.heun-churn.safetensors),
whose step noise comes from each image's own stream as the runtime's ImageNoise draws it (seed CHURN_SEED).

    /usr/bin/python3 scripts/reference/make_sampler_fixture.py --reference /path/to/Multistage_Diffusion [--out tests/Fixtures/Reference]

The network is rebuilt with make_fixtures.py's seeds and checked against the committed multistage.weights.safetensors,
so the C# test imports the weights it already has. edm_sampler is read from the reference's generate.py and run as it
is (its module imports click, tqdm and PIL, which the sampler does not need). Written: the latents, EDM's sigma steps
(float64 in the sampler; stored as float32 beside num_steps) and the samples (float64 in the sampler, stored as float32).
"""
import ast
import os

import numpy as np
import torch

from make_fixtures import build
from reference_code import fixture_arguments, load_networks, read_safetensors, write_safetensors

NUM_STEPS = 8  # EDM's num_steps: 8 sigma points and 0, 15 evaluations; the points fall in all three stages
BATCH = 4
# gamma = min(2 / 8, sqrt(2) - 1) = 0.25 at the five sigma points in [0.05, 50]: 80, 0.035 and 0.002 are not churned.
CHURN = dict(S_churn=2.0, S_min=0.05, S_max=50.0, S_noise=1.003)
CHURN_SEED = 7
IMAGE_NOISE_STRIDE = 1_000_003  # ImageNoise.SeedStride: image i of a run seeded s draws from a generator seeded s x stride + i


def image_noise_like(seed, count):
    """randn_like for edm_sampler that draws as the runtime's ImageNoise.Like: each image from its own CPU generator."""
    generators = [torch.Generator().manual_seed(seed * IMAGE_NOISE_STRIDE + i) for i in range(count)]

    def randn_like(x):
        return torch.stack([torch.randn(tuple(x.shape[1:]), dtype=x.dtype, generator=g) for g in generators])
    return randn_like


def reference_edm_sampler(reference):
    """edm_sampler from the reference's generate.py, compiled from its own source."""
    edm = os.path.join(reference, 'edm')
    path = os.path.join(edm if os.path.isdir(edm) else reference, 'generate.py')
    with open(path) as f:
        tree = ast.parse(f.read(), path)
    function = next(node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == 'edm_sampler')
    namespace = {'torch': torch, 'np': np}
    exec(compile(ast.Module(body=[function], type_ignores=[]), path, 'exec'), namespace)
    return namespace['edm_sampler']


def main():
    args = fixture_arguments(__doc__)
    net = build(load_networks(args.reference), multistage=True)
    committed = read_safetensors(os.path.join(args.out, 'multistage.weights.safetensors'))
    for name, value in net.model.state_dict().items():
        if name in committed and not np.array_equal(committed[name], value.numpy()):
            raise SystemExit(f'{name} differs from the committed multistage.weights.safetensors: rerun make_fixtures.py first')

    edm_sampler = reference_edm_sampler(args.reference)
    latents = torch.randn([BATCH, 3, 16, 16], generator=torch.Generator().manual_seed(4))
    with torch.no_grad():
        samples = edm_sampler(net, latents, num_steps=NUM_STEPS)
    rho, sigma_min, sigma_max = 7, max(0.002, net.sigma_min), min(80, net.sigma_max)
    steps = torch.arange(NUM_STEPS, dtype=torch.float64)
    sigmas = (sigma_max ** (1 / rho) + steps / (NUM_STEPS - 1) * (sigma_min ** (1 / rho) - sigma_max ** (1 / rho))) ** rho
    meta = {'source': 'LucasYFL/Multistage_Diffusion edm/generate.py edm_sampler on edm/training/networks.py',
            'torch': torch.__version__, 'num_steps': str(NUM_STEPS), 'S_churn': '0'}
    write_safetensors(os.path.join(args.out, 'multistage.heun.safetensors'),
                      {'latents': latents, 'sigmas': sigmas.float(), 'samples': samples.float()}, meta)

    with torch.no_grad():
        churned = edm_sampler(net, latents, num_steps=NUM_STEPS, randn_like=image_noise_like(CHURN_SEED, BATCH), **CHURN)
    meta = dict(meta, S_churn=str(CHURN['S_churn']), S_min=str(CHURN['S_min']), S_max=str(CHURN['S_max']), S_noise=str(CHURN['S_noise']),
                noise_seed=str(CHURN_SEED))
    write_safetensors(os.path.join(args.out, 'multistage.heun-churn.safetensors'),
                      {'latents': latents, 'samples': churned.float()}, meta)
    print(f'churned samples: max |x| {churned.abs().max().item():.3f}, '
          f'differ from the deterministic ones by {(churned - samples).abs().max().item():.3f} at most')
    print(f'samples: {tuple(samples.shape)}, max |x| {samples.abs().max().item():.3f}; sigmas {[round(s, 4) for s in sigmas.tolist()]}')


if __name__ == '__main__':
    main()
