"""Reading and writing safetensors files with PyTorch and NumPy alone (the `safetensors` package is not needed): the
converters here and the reference-fixture scripts (scripts/reference) share it."""
import json
import struct

import numpy as np
import torch

_DTYPES = {torch.float32: ('F32', '<f4'), torch.float64: ('F64', '<f8'), torch.float16: ('F16', '<f2'), torch.int64: ('I64', '<i8')}


def write_safetensors(path, tensors, metadata, sort_names=True):
    """A safetensors file (8-byte header length, JSON header padded to 8 bytes, little-endian data), names sorted or in
    the given order; metadata values are strings."""
    header, blobs, offset = {'__metadata__': metadata}, [], 0
    for name in (sorted(tensors) if sort_names else tensors):
        tensor = tensors[name].detach().contiguous().cpu()
        if tensor.dtype not in _DTYPES:
            raise ValueError(f"tensor '{name}' is {tensor.dtype}: only {', '.join(str(d) for d in _DTYPES)} are written")
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
    dtypes = {dtype: numpy_dtype for dtype, numpy_dtype in _DTYPES.values()}
    return {name: np.frombuffer(data[v['data_offsets'][0]:v['data_offsets'][1]], dtype=dtypes[v['dtype']]).reshape(v['shape'])
            for name, v in header.items() if name != '__metadata__'}
