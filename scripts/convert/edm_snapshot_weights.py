#!/usr/bin/env python3
"""Converts a network snapshot of the paper's EDM code (edm/training/training_loop.py's network-snapshot-*.pkl, or the
trained multistage_edm_*.pkl the reference's README links) into a safetensors file that DiffusionDsl's generated models
import: the EMA network's state_dict under the reference's own names (EDMPrecond's "model." prefix, resample_filter
buffers included), which SafetensorsWeights.Import and `msd sample --checkpoint` read in the reference layout.

    python3 scripts/convert/edm_snapshot_weights.py network-snapshot.pkl weights.safetensors --reference /path/to/Multistage_Diffusion

EDM pickles its networks with torch_utils.persistence, so unpickling needs the reference's edm/dnnlib and
edm/torch_utils on the path (--reference: a checkout, or its edm folder). The script also prints the network's
constructor arguments, which the .msd must match (widths, channel_mult, num_blocks, attention resolutions, the stage
intervals in sigma, GroupNorm groups), e.g. examples/Cifar10Paper/Cifar10Multistage.msd for the paper's CIFAR-10 model.
"""
import argparse
import os
import pickle
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_file import write_safetensors  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('snapshot')
    parser.add_argument('output')
    parser.add_argument('--reference', required=True, help='a checkout of LucasYFL/Multistage_Diffusion, or its edm folder')
    args = parser.parse_args(argv)
    edm = os.path.join(args.reference, 'edm')
    root = edm if os.path.isdir(edm) else args.reference
    if not os.path.isdir(os.path.join(root, 'torch_utils')):
        sys.exit(f'error: {args.reference} holds no edm/torch_utils: --reference must be a checkout of the reference repository or its edm folder')
    sys.path.insert(0, root)
    with open(args.snapshot, 'rb') as f:
        data = pickle.load(f)
    net = data['ema'] if isinstance(data, dict) and 'ema' in data else data
    if not isinstance(net, torch.nn.Module):
        sys.exit(f"error: {args.snapshot} holds no network (a dict with 'ema', as EDM's snapshots are)")
    tensors = dict(net.state_dict())
    kwargs = getattr(getattr(net, 'model', net), 'init_kwargs', None) or getattr(net, 'init_kwargs', {})
    metadata = {'source': f'EDM snapshot {os.path.basename(args.snapshot)}', 'class': type(net).__name__}
    write_safetensors(args.output, {k: v.to(torch.float32) for k, v in tensors.items()}, metadata)
    print(f'{args.output}: {len(tensors)} tensors, {sum(t.numel() for t in tensors.values()):,} values from {type(net).__name__}')
    print('constructor arguments the .msd must match:')
    for key, value in sorted(dict(getattr(net, 'init_kwargs', {}), **kwargs).items()):
        print(f'  {key} = {value}')


if __name__ == '__main__':
    main()
