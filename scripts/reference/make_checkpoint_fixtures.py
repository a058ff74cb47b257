#!/usr/bin/env python3
"""Writes the checkpoint-loading fixtures (tests/DiffusionDsl.Runtime.Tests/Checkpoints/Fixtures) from the multistage
paper's networks.py: the state_dict names of a tiny MultistageUNet and SongUNet, a tiny EDMPrecond(MultistageUNet)'s
weights in float16, and its outputs per stage for fixed inputs.

    /usr/bin/python3 scripts/reference/make_checkpoint_fixtures.py --reference /path/to/Multistage_Diffusion [--out DIR]

Needs PyTorch (Debian's python3-torch 1.13 works) and numpy; --reference as for make_fixtures.py. The configuration is
ReferenceTinyUNet's (tests/DiffusionDsl.Runtime.Tests/Support): 1x8x8 images, encoder 4 wide at 8x8 and 8 at 4x4 with
attention at 4x4, one block per level, embedding 16, decoders 8 / 4 / 4.
"""
import os

import torch

from reference_code import fixture_arguments, load_networks, write_safetensors

CONFIG = dict(img_resolution=8, in_channels=1, out_channels=1, channel_mult=[1, 2], channel_mult_emb=4,
              num_blocks=1, attn_resolutions=[4], dropout=0.0)


def write_keys(path, net):
    with open(path, 'w') as f:
        for name, tensor in net.state_dict().items():
            f.write(name + ' ' + ','.join(str(s) for s in tensor.shape) + '\n')


def main():
    args = fixture_arguments(__doc__, out=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'tests',
                                                       'DiffusionDsl.Runtime.Tests', 'Checkpoints', 'Fixtures'))
    networks = load_networks(args.reference)
    out = args.out
    torch.manual_seed(0)
    stages = [[[0, 1]], [[1, 2]], [[2, 80]]]
    precond = networks.EDMPrecond(img_resolution=8, img_channels=1, model_type='MultistageUNet', en_model_channels=4,
                                  de_model_channels=[8, 4, 4], stage_num=3, stage_interval=stages,
                                  **{k: v for k, v in CONFIG.items() if k not in ('img_resolution', 'in_channels', 'out_channels')})
    net = precond.model
    write_keys(os.path.join(out, 'multistage-tiny.keys.txt'), net)
    write_keys(os.path.join(out, 'songunet-tiny.keys.txt'), networks.SongUNet(model_channels=4, **CONFIG))

    # Weights far from their (mostly near-zero) initialisation, rounded to float16 so the stored F16 values are exact.
    with torch.no_grad():
        for p in net.parameters():
            p.copy_((torch.randn_like(p) * 0.3).half().float())
    net.eval()
    x = torch.randn(2, 1, 8, 8)
    labels = torch.tensor([-0.3, 0.7])
    io = {'x': x, 'noise_labels': labels}
    for k in range(3):
        # Force stage k for the whole batch: the reference picks a decoder by sample 0's label.
        net.stage_interval = [[[-float('inf'), float('inf')]] if j == k else [[float('inf'), -float('inf')]] for j in range(3)]
        with torch.no_grad():
            io[f'out{k}'] = net(x, labels, None)
    state = {name: (t.half() if t.dtype == torch.float32 else t) for name, t in precond.state_dict().items()}
    write_safetensors(os.path.join(out, 'multistage-tiny.f16.safetensors'), state, {'format': 'pt', 'source': 'EDMPrecond(MultistageUNet)'},
                      sort_names=False)
    write_safetensors(os.path.join(out, 'multistage-tiny.io.safetensors'), io, {'format': 'pt'}, sort_names=False)


if __name__ == '__main__':
    main()
