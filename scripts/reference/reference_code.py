"""What the reference-fixture scripts share: importing the paper's networks.py and writing safetensors files."""
import json
import os
import struct
import sys

import torch

_DTYPES = {torch.float32: ('F32', '<f4'), torch.float16: ('F16', '<f2'), torch.int64: ('I64', '<i8')}


def load_networks(reference):
    """The reference's training.networks module, from a checkout of LucasYFL/Multistage_Diffusion or any folder holding
    its edm/training, edm/torch_utils and edm/dnnlib (scripts/gpu/archive-reference.sh writes one), or those three."""
    edm = os.path.join(reference, 'edm')
    sys.path.insert(0, edm if os.path.isdir(edm) else reference)
    from training import networks  # noqa: E402  (the reference's module)
    return networks


def write_safetensors(path, tensors, metadata, sort_names=True):
    """A safetensors file (8-byte header length, JSON header padded to 8 bytes, little-endian data), names sorted or in
    the given order."""
    header, blobs, offset = {'__metadata__': metadata}, [], 0
    for name in (sorted(tensors) if sort_names else tensors):
        tensor = tensors[name].detach().contiguous().cpu()
        dtype, numpy_dtype = _DTYPES[tensor.dtype]
        data = tensor.numpy().astype(numpy_dtype).tobytes()
        header[name] = {'dtype': dtype, 'shape': list(tensor.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    encoded = json.dumps(header, separators=(',', ':')).encode()
    encoded += b' ' * (-len(encoded) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)
