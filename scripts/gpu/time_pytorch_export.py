#!/usr/bin/env python3
"""Times the PyTorch export of a .msd model (`msd export pytorch`) with time_reference.py's protocol, so the two can be
set side by side on one device: a training step (EDM's lognormal sigma, here one stage per batch as train.py's
`proportional` policy draws it; the loss, backward, Adam at lr 1e-3) at a given batch, and one Euler sampling pass.

    python3 scripts/gpu/time_pytorch_export.py --export DIR [--device cuda] [--batch 64] [--steps 20] [--warmup 3]
                                               [--bf16 on|off] [--sample-batch 64] [--sample-steps 35] [--out FILE]

DIR is the export's folder (its <model>.py). bf16 runs the step under torch.autocast with float32 weights, as train.py
does on CUDA.
"""
import argparse
import glob
import importlib
import os
import sys

import torch

import gpu_timing  # the protocol shared with time_reference.py


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--export', required=True)
    gpu_timing.add_common_args(parser, 'timings-pytorch-export.json')
    parser.add_argument('--bf16', choices=['on', 'off'], default='off')
    parser.add_argument('--sample-steps', type=int, default=35, help='Euler evaluations (35 = EDM Heun 18 steps)')
    args = parser.parse_args()

    sys.path.insert(0, args.export)
    modules = [os.path.basename(p)[:-3] for p in glob.glob(os.path.join(args.export, '*.py'))
               if os.path.basename(p) not in ('train.py', 'sample.py')]
    if len(modules) != 1:
        raise SystemExit(f'{args.export}: expected one model module beside train.py and sample.py, found {modules}')
    spec = importlib.import_module(modules[0])

    device = torch.device(args.device)
    torch.manual_seed(0)
    model = spec.create_model().to(device)
    parameters = sum(p.numel() for p in model.parameters())
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0)
    images = torch.rand([args.batch] + list(spec.IMAGE), device=device) * 2 - 1
    # One stage per batch, cycling, with t drawn inside it from the schedule's own training distribution: the stages'
    # CDF bounds once here, the draws on the device as the reference's loss draws its sigmas.
    schedule = model.schedule
    cdf = lambda t: schedule.training_cdf(torch.tensor([max(t, schedule.min_time)], dtype=torch.float64)).item()
    bounds = [(cdf(s.start), cdf(s.end), s.start, s.end) for s in model.stages]
    step_index = [0]

    def train_step():
        low, high, start, end = bounds[step_index[0] % len(bounds)]
        step_index[0] += 1
        u = torch.rand(args.batch, dtype=torch.float64, device=device)
        t = schedule.training_quantile(low + u * (high - low)).clamp(start, end)
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=args.bf16 == 'on'):
            losses = model.loss(images, t, torch.randn_like(images))
        losses.mean().backward()
        optimizer.step()

    model.train()
    seconds_per_step = gpu_timing.seconds_per_call(train_step, args.warmup, args.steps, device)

    model.eval()
    noise = torch.randn([args.sample_batch] + list(spec.IMAGE), device=device)

    def sample():
        with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=args.bf16 == 'on'):
            spec.sample_euler(model, noise, args.sample_steps)

    sample_seconds = gpu_timing.seconds_per_call(sample, 1, 1, device)
    gpu_timing.write_report(gpu_timing.report(f'PyTorch export of {spec.MODEL_NAME} (msd export pytorch)', device, parameters,
                                              args.batch, args.steps, seconds_per_step, args.sample_batch, args.sample_steps,
                                              sample_seconds, bf16=args.bf16 == 'on',
                                              peak_memory_gib=torch.cuda.max_memory_allocated(device) / 2 ** 30 if device.type == 'cuda' else None),
                            args.out)


if __name__ == '__main__':
    main()
