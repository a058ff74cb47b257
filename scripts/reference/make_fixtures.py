#!/usr/bin/env python3
"""Writes the reference-equality fixtures: a tiny multistage and a tiny unified network built by the paper's own
code (LucasYFL/Multistage_Diffusion, edm/training/networks.py), their weights and, for fixed inputs, the reference's
outputs: the raw network F, the EDM-preconditioned D(x; sigma) and EDMLoss for fixed noise; and the same multistage
network configured as NCSN++ (EDM's --arch=ncsnpp options, which the reference's MultistageUNet takes), with its
resample_filter buffers kept so the import checks them.

    /usr/bin/python3 scripts/reference/make_fixtures.py --reference /path/to/Multistage_Diffusion [--out tests/Fixtures/Reference]

Needs PyTorch (Debian's python3-torch 1.13 works) and numpy. --reference is a checkout of the reference repository,
or any folder holding its edm/training/networks.py, edm/torch_utils and edm/dnnlib. Only numbers are written: the
tests load them through the safetensors path and need no Python. The matching .msd files are
tests/DiffusionDsl.Generator.Tests/Models/Reference{Multistage,Unified,MultistageNcsnpp}.msd.
"""
import json
import os

import numpy as np
import torch

from reference_code import fixture_arguments, load_networks, scramble, write_safetensors

BOUNDARIES = [2.5103, 7.6577]  # the paper's CIFAR-10 EDM boundaries, in sigma
SIGMA_DATA = 0.5
CONFIG = dict(img_resolution=16, in_channels=3, out_channels=3, channel_mult=[1, 2], num_blocks=1,
              attn_resolutions=[8], dropout=0.0, embedding_type='positional', encoder_type='standard',
              decoder_type='standard')
# EDM's train.py --arch=ncsnpp, on three levels so the residual input pyramid has two steps (16 -> 8 -> 4).
NCSNPP = dict(CONFIG, channel_mult=[1, 2, 2], embedding_type='fourier', channel_mult_noise=2, encoder_type='residual',
              resample_filter=[1, 3, 3, 1])


def sigmas():
    """Sigmas inside every stage, and each boundary as float32 with its float32 neighbours."""
    values = [0.01, 0.3, 1.5, 3.0, 5.0, 7.0, 10.0, 40.0, 79.0]
    for b in BOUNDARIES:
        f = np.float32(b)
        values += [np.nextafter(f, np.float32(0)), f, np.nextafter(f, np.float32(np.inf))]
    return np.array(values, dtype=np.float32)


def our_stage(sigma):
    """The documented rule: t in [start, end), compared in float64; t is increasing in sigma."""
    return sum(1 for b in BOUNDARIES if float(sigma) >= b)


def with_decoder(model, stage, count):
    """Makes the reference route every input to one decoder, by its own stage_interval test."""
    model.stage_interval = [[[float('inf'), float('inf')]] if k != stage else [[0.0, float('inf')]] for k in range(count)]


def evaluate(precond, x0, noise, sigma):
    s = sigma.reshape(-1, 1, 1, 1)
    x = x0 + s * noise
    c_in = 1 / (SIGMA_DATA ** 2 + s ** 2).sqrt()
    weight = (s ** 2 + SIGMA_DATA ** 2) / (s * SIGMA_DATA) ** 2
    with torch.no_grad():
        raw = precond.model(c_in * x, (s.log() / 4).flatten(), class_labels=None)
        denoised = precond(x, sigma)
        loss = (weight * (denoised - x0) ** 2).mean(dim=(1, 2, 3))  # EDMLoss, per sample
    return raw, denoised, loss


def build(networks, multistage, config=CONFIG):
    torch.manual_seed(0)
    if multistage:
        net = networks.EDMPrecond(img_resolution=16, img_channels=3, model_type='MultistageUNet', en_model_channels=8,
                                  de_model_channels=[12, 8, 4], stage_num=3,
                                  stage_interval=[[[0, BOUNDARIES[0]]], [[BOUNDARIES[0], BOUNDARIES[1]]], [[BOUNDARIES[1], float('inf')]]],
                                  **{k: v for k, v in config.items() if k not in ('img_resolution', 'in_channels', 'out_channels')})
    else:
        net = networks.EDMPrecond(img_resolution=16, img_channels=3, model_type='SongUNet', model_channels=8,
                                  **{k: v for k, v in CONFIG.items() if k not in ('img_resolution', 'in_channels', 'out_channels')})
    scramble(net.model, torch.Generator().manual_seed(1 if multistage else 2))
    return net.eval()


def cases(net, multistage):
    g = torch.Generator().manual_seed(3)
    sigma = torch.from_numpy(sigmas())
    n = sigma.shape[0]
    x0 = torch.rand([n, 3, 16, 16], generator=g) * 2 - 1
    noise = torch.randn([n, 3, 16, 16], generator=g)
    out = {name: [] for name in ('raw', 'denoised', 'loss')}
    stage, reference_stage = [], []
    for i in range(n):  # one sample at a time: the reference routes a whole batch by its first sample
        args = (x0[i:i + 1], noise[i:i + 1], sigma[i:i + 1])
        if multistage:
            original = net.model.stage_interval
            own = evaluate(net, *args)[0]
            k = our_stage(sigma[i].item())
            per_decoder = []
            for d in range(3):
                with_decoder(net.model, d, 3)
                per_decoder.append(evaluate(net, *args))
            net.model.stage_interval = original
            matches = [d for d in range(3) if torch.equal(per_decoder[d][0], own)]
            reference_stage.append(matches[0])
            result = per_decoder[k]
        else:
            k = 0
            reference_stage.append(0)
            result = evaluate(net, *args)
        stage.append(k)
        for name, value in zip(('raw', 'denoised', 'loss'), result):
            out[name].append(value)
    tensors = {name: torch.cat(values) for name, values in out.items()}
    tensors.update(x0=x0, noise=noise, sigma=sigma, stage=torch.tensor(stage, dtype=torch.int64),
                   reference_stage=torch.tensor(reference_stage, dtype=torch.int64))
    return tensors


def main():
    args = fixture_arguments(__doc__)
    networks = load_networks(args.reference)
    os.makedirs(args.out, exist_ok=True)
    for multistage, name, config in ((True, 'multistage', CONFIG), (False, 'unified', CONFIG), (True, 'multistage-ncsnpp', NCSNPP)):
        net = build(networks, multistage, config)
        weights = {k: v for k, v in net.model.state_dict().items() if config is NCSNPP or not k.endswith('resample_filter')}
        meta = {'source': 'LucasYFL/Multistage_Diffusion edm/training/networks.py', 'torch': torch.__version__,
                'model': 'MultistageUNet' if multistage else 'SongUNet', 'config': json.dumps(config)}
        write_safetensors(os.path.join(args.out, f'{name}.weights.safetensors'), weights, meta)
        write_safetensors(os.path.join(args.out, f'{name}.cases.safetensors'), cases(net, multistage), meta)
        print(f'{name}: {sum(v.numel() for v in weights.values()):,} weights')


if __name__ == '__main__':
    main()
