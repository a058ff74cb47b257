"""The timing protocol time_reference.py and time_pytorch_export.py share, so their figures can stand side by side:
the same arguments, warm-up then timed calls between device synchronisations, and the same report fields."""
import json
import time

import torch


def add_common_args(parser, out):
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--batch', type=int, default=64)
    parser.add_argument('--steps', type=int, default=20)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--sample-batch', type=int, default=64)
    parser.add_argument('--out', default=out)


def sync(device):
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def seconds_per_call(fn, warmup, calls, device):
    """Runs fn warmup times, then times calls more, waiting for the device before and after."""
    for _ in range(warmup):
        fn()
    sync(device)
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    sync(device)
    return (time.perf_counter() - start) / calls


def report(network, device, parameters, batch, steps, seconds_per_step, sample_batch, sample_evaluations, sample_seconds, **extra):
    return {
        'network': network,
        'torch': torch.__version__,
        'device': str(device),
        'device_name': torch.cuda.get_device_name(device) if device.type == 'cuda' else 'cpu',
        **extra,
        'parameters': parameters,
        'batch': batch,
        'timed_steps': steps,
        'seconds_per_step': seconds_per_step,
        'train_images_per_second': batch / seconds_per_step,
        'sample_batch': sample_batch,
        'sample_evaluations': sample_evaluations,
        'sample_seconds': sample_seconds,
        'sample_images_per_second': sample_batch / sample_seconds,
    }


def write_report(values, path):
    with open(path, 'w') as f:
        json.dump(values, f, indent=2)
    print(json.dumps(values, indent=2))
