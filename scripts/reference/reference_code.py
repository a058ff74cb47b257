"""What the reference-fixture scripts share: their command line, importing the paper's networks.py, reading and writing
safetensors files."""
import argparse
import importlib.util
import json
import os
import struct
import sys

import numpy as np
import torch

_DTYPES = {torch.float32: ('F32', '<f4'), torch.float64: ('F64', '<f8'), torch.float16: ('F16', '<f2'), torch.int64: ('I64', '<i8')}


REFERENCE_FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'tests', 'Fixtures', 'Reference')


def fixture_arguments(doc, out=REFERENCE_FIXTURES):
    """--reference (a checkout of the reference repository) and --out (where the fixtures go), with the script's doc as help."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--reference', required=True)
    parser.add_argument('--out', default=out)
    return parser.parse_args()


def load_networks(reference):
    """The reference's training.networks module, from a checkout of LucasYFL/Multistage_Diffusion or any folder holding
    its edm/training, edm/torch_utils and edm/dnnlib (scripts/gpu/archive-reference.sh writes one), or those three."""
    edm = os.path.join(reference, 'edm')
    sys.path.insert(0, edm if os.path.isdir(edm) else reference)
    from training import networks  # noqa: E402  (the reference's module)
    return networks


def load_module(path, name):
    """A reference source file run as a module of its own name, unchanged."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


def read_safetensors(path):
    """The tensors of a safetensors file written by write_safetensors, as numpy arrays by name."""
    with open(path, 'rb') as f:
        (length,) = struct.unpack('<Q', f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    dtypes = {'F32': '<f4', 'F64': '<f8', 'F16': '<f2', 'I64': '<i8'}
    return {name: np.frombuffer(data[v['data_offsets'][0]:v['data_offsets'][1]], dtype=dtypes[v['dtype']]).reshape(v['shape'])
            for name, v in header.items() if name != '__metadata__'}
