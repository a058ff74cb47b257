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
import json
import os
import sys
import time

import torch


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--export', required=True)
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--batch', type=int, default=64)
    parser.add_argument('--steps', type=int, default=20)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--bf16', choices=['on', 'off'], default='off')
    parser.add_argument('--sample-batch', type=int, default=64)
    parser.add_argument('--sample-steps', type=int, default=35, help='Euler evaluations (35 = EDM Heun 18 steps)')
    parser.add_argument('--out', default='timings-pytorch-export.json')
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
    stages = len(model.stages)
    step_index = [0]

    def sync():
        if device.type == 'cuda':
            torch.cuda.synchronize(device)

    def train_step():
        # One stage per batch, cycling, with t drawn inside it from the schedule's own training distribution.
        stage = model.stages[step_index[0] % stages]
        step_index[0] += 1
        low = model.schedule.training_cdf(torch.tensor([max(stage.start, model.schedule.min_time)], dtype=torch.float64))
        high = model.schedule.training_cdf(torch.tensor([stage.end], dtype=torch.float64))
        u = torch.rand(args.batch, dtype=torch.float64)
        t = model.schedule.training_quantile(low + u * (high - low)).clamp(stage.start, stage.end).to(device)
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=args.bf16 == 'on'):
            losses = model.loss(images, t, torch.randn_like(images))
        losses.mean().backward()
        optimizer.step()

    model.train()
    for _ in range(args.warmup):
        train_step()
    sync()
    start = time.perf_counter()
    for _ in range(args.steps):
        train_step()
    sync()
    seconds_per_step = (time.perf_counter() - start) / args.steps

    model.eval()
    noise = torch.randn([args.sample_batch] + list(spec.IMAGE), device=device)
    spec.sample_euler(model, noise, 2)
    sync()
    start = time.perf_counter()
    with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=args.bf16 == 'on'):
        spec.sample_euler(model, noise, args.sample_steps)
    sync()
    sample_seconds = time.perf_counter() - start

    report = {
        'network': f'PyTorch export of {spec.MODEL_NAME} (msd export pytorch)',
        'torch': torch.__version__,
        'device': str(device),
        'device_name': torch.cuda.get_device_name(device) if device.type == 'cuda' else 'cpu',
        'bf16': args.bf16 == 'on',
        'parameters': parameters,
        'batch': args.batch,
        'timed_steps': args.steps,
        'seconds_per_step': seconds_per_step,
        'train_images_per_second': args.batch / seconds_per_step,
        'peak_memory_gib': torch.cuda.max_memory_allocated(device) / 2 ** 30 if device.type == 'cuda' else None,
        'sample_batch': args.sample_batch,
        'sample_evaluations': args.sample_steps,
        'sample_seconds': sample_seconds,
        'sample_images_per_second': args.sample_batch / sample_seconds,
    }
    with open(args.out, 'w') as f:
        json.dump(report, f, indent=2)
    print(json.dumps(report, indent=2))


if __name__ == '__main__':
    main()
