#!/usr/bin/env python3
"""Converts a network snapshot of the paper's EDM code (edm/training/training_loop.py's network-snapshot-*.pkl, or the
trained multistage_edm_*.pkl the reference's README links) into a safetensors file that DiffusionDsl's generated models
import: the EMA network's state_dict under the reference's own names (EDMPrecond's "model." prefix, resample_filter
buffers included), which SafetensorsWeights.Import and `msd sample --checkpoint` read in the reference layout.

    python3 scripts/edm/edm_snapshot_weights.py network-snapshot.pkl weights.safetensors --reference /path/to/Multistage_Diffusion

EDM pickles its networks with torch_utils.persistence, so unpickling needs the reference's edm/dnnlib and
edm/torch_utils on the path (--reference: a checkout, or its edm folder). The script also prints the network's
constructor arguments, which the .msd must match (widths, channel_mult, num_blocks, attention resolutions, the stage
intervals in sigma, GroupNorm groups), e.g. examples/Cifar10Paper/Cifar10Multistage.msd for the paper's CIFAR-10 model.
"""
import argparse
import json
import os
import pickle
import struct
import sys

import torch


def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {'__metadata__': metadata}, [], 0
    for name, tensor in tensors.items():
        data = tensor.detach().to(torch.float32).contiguous().cpu().numpy().astype('<f4').tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(tensor.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    encoded = json.dumps(header, separators=(',', ':')).encode()
    encoded += b' ' * (-len(encoded) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)


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
    write_safetensors(args.output, tensors, metadata)
    print(f'{args.output}: {len(tensors)} tensors, {sum(t.numel() for t in tensors.values()):,} values from {type(net).__name__}')
    print('constructor arguments the .msd must match:')
    for key, value in sorted(dict(getattr(net, 'init_kwargs', {}), **kwargs).items()):
        print(f'  {key} = {value}')


if __name__ == '__main__':
    main()
