"""Writes the reference fixtures the safetensors tests compare against, from the multistage paper's networks.py.

Run with Debian's python3-torch (1.13) and numpy, the reference repository's edm/ folder on the path:
    git -C <mirror of LucasYFL/Multistage_Diffusion> show HEAD:edm/training/networks.py > /tmp/ref/training/networks.py
    (and edm/torch_utils/*.py, edm/dnnlib/*.py into /tmp/ref/torch_utils and /tmp/ref/dnnlib)
    /usr/bin/python3 make_reference_fixtures.py /tmp/ref

The configuration is ReferenceTinyUNet's (tests/DiffusionDsl.Runtime.Tests/Support): 1x8x8 images, encoder 4 wide at
8x8 and 8 at 4x4 with attention at 4x4, one block per level, embedding 16, decoders 8 / 4 / 4.
"""
import json
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else '/tmp/ref')
from training import networks  # noqa: E402

CONFIG = dict(img_resolution=8, in_channels=1, out_channels=1, channel_mult=[1, 2], channel_mult_emb=4,
              num_blocks=1, attn_resolutions=[4], dropout=0.0)
DTYPES = {torch.float32: ('F32', '<f4'), torch.float16: ('F16', '<f2'), torch.int64: ('I64', '<i8')}


def write_safetensors(path, tensors, metadata):
    header, chunks, offset = {'__metadata__': metadata}, [], 0
    for name, tensor in tensors.items():
        dtype, numpy_dtype = DTYPES[tensor.dtype]
        data = tensor.detach().contiguous().numpy().astype(numpy_dtype).tobytes()
        header[name] = {'dtype': dtype, 'shape': list(tensor.shape), 'data_offsets': [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for data in chunks:
            f.write(data)


def write_keys(path, net):
    with open(path, 'w') as f:
        for name, tensor in net.state_dict().items():
            f.write(name + ' ' + ','.join(str(s) for s in tensor.shape) + '\n')


torch.manual_seed(0)
stages = [[[0, 1]], [[1, 2]], [[2, 80]]]
precond = networks.EDMPrecond(img_resolution=8, img_channels=1, model_type='MultistageUNet', en_model_channels=4,
                              de_model_channels=[8, 4, 4], stage_num=3, stage_interval=stages,
                              **{k: v for k, v in CONFIG.items() if k not in ('img_resolution', 'in_channels', 'out_channels')})
net = precond.model
write_keys('multistage-tiny.keys.txt', net)
write_keys('songunet-tiny.keys.txt', networks.SongUNet(model_channels=4, **CONFIG))

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
write_safetensors('multistage-tiny.f16.safetensors', state, {'format': 'pt', 'source': 'EDMPrecond(MultistageUNet)'})
write_safetensors('multistage-tiny.io.safetensors', io, {'format': 'pt'})
