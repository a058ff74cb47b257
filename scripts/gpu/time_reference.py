#!/usr/bin/env python3
"""Times the paper's own network (LucasYFL/Multistage_Diffusion, edm/training/networks.py: EDMPrecond around its
MultistageUNet, CIFAR-10 DDPM++ config: encoder 128, decoders 192/128/16, channel_mult [2,2,2], 4 blocks, attention at 16,
dropout 0.13, augment_dim 9) on the same device as the C# harness, for the ratio in the GPU report:

  * a training step: the reference's EDMLoss (lognormal sigma, its routing by the batch's first sample), backward,
    Adam (lr 1e-3), as edm/train.py runs it in fp32;
  * sampling: the 35 network evaluations of EDM's 18-step Heun sampler at one batch, in eval mode without gradients.

    python3 scripts/gpu/time_reference.py --reference DIR [--device cuda] [--batch 64] [--steps 20] [--warmup 3]
                                          [--sample-batch 64] [--out timings-reference.json]

DIR holds the reference's edm/ folder (training/, torch_utils/, dnnlib/); scripts/gpu/prepare.sh carries it.
"""
import argparse
import os
import sys

import numpy as np
import torch

import gpu_timing  # the protocol shared with time_pytorch_export.py


def stub_unused_imports():
    """The reference's dnnlib/util.py imports requests (for downloads) and distutils' strtobool, which a pip-installed
    PyTorch does not bring and Python 3.12 no longer has; nothing timed here uses either, so stand-ins do."""
    import types
    try:
        import requests  # noqa: F401
    except ImportError:
        sys.modules['requests'] = types.ModuleType('requests')
    try:
        from distutils.util import strtobool  # noqa: F401
    except ImportError:
        distutils, util = types.ModuleType('distutils'), types.ModuleType('distutils.util')
        util.strtobool = lambda value: {'y': 1, 'yes': 1, 't': 1, 'true': 1, 'on': 1, '1': 1}.get(str(value).lower(), 0)
        distutils.util = util
        sys.modules['distutils'], sys.modules['distutils.util'] = distutils, util


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--reference', required=True)
    gpu_timing.add_common_args(parser, 'timings-reference.json')
    args = parser.parse_args()

    edm = os.path.join(args.reference, 'edm')
    sys.path.insert(0, edm if os.path.isdir(edm) else args.reference)
    stub_unused_imports()
    from training import networks  # noqa: E402  (the reference's module)
    from training.loss import EDMLoss  # noqa: E402

    device = torch.device(args.device)
    torch.manual_seed(0)
    net = networks.EDMPrecond(img_resolution=32, img_channels=3, model_type='MultistageUNet', en_model_channels=128,
                              de_model_channels=[192, 128, 16], stage_num=3, channel_mult=[2, 2, 2], num_blocks=4,
                              attn_resolutions=[16], dropout=0.13, augment_dim=9, embedding_type='positional',
                              encoder_type='standard', decoder_type='standard', channel_mult_noise=1,
                              resample_filter=[1, 1]).to(device)
    parameters = sum(p.numel() for p in net.parameters())
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    loss_fn = EDMLoss()
    images = torch.rand([args.batch, 3, 32, 32], device=device) * 2 - 1

    def train_step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(net=net, images=images)
        loss.sum().mul(1 / args.batch).backward()
        for p in net.parameters():
            if p.grad is not None:
                torch.nan_to_num(p.grad, nan=0, posinf=1e5, neginf=-1e5, out=p.grad)
        optimizer.step()

    net.train()
    seconds_per_step = gpu_timing.seconds_per_call(train_step, args.warmup, args.steps, device)

    # EDM's Heun sampler: 18 sigmas on the rho = 7 ramp, 2 evaluations per step but the last.
    net.eval()
    steps, rho, sigma_min, sigma_max = 18, 7.0, 0.002, 80.0
    i = np.arange(steps)
    grid = (sigma_max ** (1 / rho) + i / (steps - 1) * (sigma_min ** (1 / rho) - sigma_max ** (1 / rho))) ** rho
    grid = list(grid) + [0.0]
    x_noise = torch.randn([args.sample_batch, 3, 32, 32], device=device)

    def sample():
        x = x_noise * grid[0]
        with torch.no_grad():
            for k in range(steps):
                s, s_next = grid[k], grid[k + 1]
                d = (x - net(x, torch.full([x.shape[0]], s, device=device))) / s
                x_next = x + (s_next - s) * d
                if s_next > 0:
                    d2 = (x_next - net(x_next, torch.full([x.shape[0]], s_next, device=device))) / s_next
                    x_next = x + (s_next - s) * 0.5 * (d + d2)
                x = x_next
        return x

    sample_seconds = gpu_timing.seconds_per_call(sample, 1, 1, device)
    gpu_timing.write_report(gpu_timing.report('reference EDMPrecond(MultistageUNet), CIFAR-10 DDPM++ config', device, parameters,
                                              args.batch, args.steps, seconds_per_step, args.sample_batch, 2 * steps - 1,
                                              sample_seconds), args.out)


if __name__ == '__main__':
    main()
