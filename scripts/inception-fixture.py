#!/usr/bin/env python3
"""Runs pytorch-fid's FID Inception-v3 (mseitzer/pytorch-fid, src/pytorch_fid/inception.py, used unmodified as a
black box) with deterministic weights on fixed images and writes what
tests/DiffusionDsl.Runtime.Tests/Evaluation/InceptionV3FeaturesTests.cs compares against:

  tests/Fixtures/Inception/fid-inception-keys.txt      every state_dict key of the network pytorch-fid loads its
                                                       pt_inception-2015-12-05-6726825d.pth into, with its shape
  tests/Fixtures/Inception/fid-inception-pool3.safetensors
                                                       input images in [0, 1] and the 2048-d pool3 features

No pretrained weights are involved: every tensor is filled from a formula that the C# test repeats (see fill()).
pytorch-fid's loader fetches the real weights from the internet; here that download is replaced by the fill.

Usage (Debian's python3-torch and python3-torchvision 0.14 are enough):
    python3 scripts/inception-fixture.py /path/to/pytorch-fid/src tests/Fixtures/Inception
where /path/to/pytorch-fid/src holds the pytorch_fid package, e.g. extracted from a clone with
    git -C <clone> archive HEAD src | tar x -C /tmp/pytorch-fid
"""
import json
import math
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, sys.argv[1])
from pytorch_fid import inception as fid  # noqa: E402  (the reference, from the folder given)


MASK = (1 << 64) - 1


def uniform(count, k):
    """count values in [-1, 1): murmur3's 64-bit finaliser of (i + 1) * 0x9E3779B97F4A7C15 + (k + 1) * 0xBF58476D1CE4E5B9
    (mod 2^64), top 53 bits as u in [0, 1), then 2u - 1; exact integer arithmetic, so C# repeats it bit for bit."""
    h = (np.arange(1, count + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
         + np.uint64(((k + 1) * 0xBF58476D1CE4E5B9) & MASK))
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return (h >> np.uint64(11)).astype(np.float64) * 2.0 ** -53 * 2 - 1


def fill(module):
    """The deterministic weights: tensor k of the ordinally sorted names (num_batches_tracked left out) gets
    s = uniform(numel, k) in float64, then cast to float32: conv and fc weights s * sqrt(6 / fan_in) (He's variance);
    BN weight 1 + 0.25 s, bias 0.1 s, running_mean 0.1 s, running_var 1 + 0.5 s^2; fc bias 0.1 s."""
    state = module.state_dict()
    names = sorted(n for n in state if not n.endswith("num_batches_tracked"))
    with torch.no_grad():
        for k, name in enumerate(names):
            t = state[name]
            s = torch.from_numpy(uniform(t.numel(), k)).reshape(t.shape)
            if name.endswith("running_var"):
                v = 1 + 0.5 * s * s
            elif name.endswith("running_mean") or name.endswith("bias"):
                v = 0.1 * s
            elif t.dim() == 1:  # BN weight
                v = 1 + 0.25 * s
            else:  # conv [out, in, kh, kw] or fc [out, in] weight
                v = s * math.sqrt(6.0 / (t.numel() // t.shape[0]))
            t.copy_(v.to(torch.float32))


def build():
    """pytorch-fid's InceptionV3 (pool3 block only), its weight download replaced by fill()."""
    fid.load_state_dict_from_url = lambda *args, **kwargs: None
    original = torch.nn.Module.load_state_dict
    captured = []

    def load(self, state_dict, strict=True):  # called once, on the whole Inception3, inside fid_inception_v3()
        captured.append(self)
        fill(self)

    torch.nn.Module.load_state_dict = load
    try:
        model = fid.InceptionV3([fid.InceptionV3.BLOCK_INDEX_BY_DIM[2048]])
    finally:
        torch.nn.Module.load_state_dict = original
    assert len(captured) == 1
    return model.eval(), captured[0]


def images(n, c, size, offset):
    """Smooth, asymmetric 8-bit images as floats in [0, 1], different for every sample and channel."""
    y = torch.arange(size, dtype=torch.float64).reshape(1, 1, size, 1)
    x = torch.arange(size, dtype=torch.float64).reshape(1, 1, 1, size)
    s = torch.arange(n, dtype=torch.float64).reshape(n, 1, 1, 1)
    ch = torch.arange(c, dtype=torch.float64).reshape(1, c, 1, 1)
    v = 0.5 + 0.45 * torch.sin(0.37 * x + 0.23 * y * (1 + ch) + 1.7 * s + offset) * torch.cos(0.11 * x * y / size + ch)
    return (v * 255).round() / 255


def write_safetensors(path, tensors):
    header, data, offset = {}, b"", 0
    for name, t in tensors.items():
        raw = t.contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        data += raw
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def main():
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    model, inception = build()
    with open(os.path.join(out, "fid-inception-keys.txt"), "w") as f:
        f.write("# state_dict keys of pytorch-fid's fid_inception_v3() (torchvision Inception3, num_classes=1008,\n")
        f.write("# aux_logits=False, FID blocks), the keys of pt_inception-2015-12-05-6726825d.pth; written by\n")
        f.write("# scripts/inception-fixture.py. name<TAB>shape\n")
        for name, t in inception.state_dict().items():
            f.write(f"{name}\t{'x'.join(str(d) for d in t.shape)}\n")

    rgb = images(2, 3, 32, 0.0)
    gray = images(2, 1, 28, 0.9)
    with torch.no_grad():
        rgb_pool3 = model(rgb.to(torch.float32))[0].reshape(2, 2048)
        # pytorch-fid reads every image as RGB (PIL convert("RGB")): a grey image is its channel three times.
        gray_pool3 = model(gray.to(torch.float32).repeat(1, 3, 1, 1))[0].reshape(2, 2048)
    write_safetensors(os.path.join(out, "fid-inception-pool3.safetensors"), {
        "rgb_input": rgb, "rgb_pool3": rgb_pool3, "gray_input": gray, "gray_pool3": gray_pool3,
    })
    print(f"{len(inception.state_dict())} keys; rgb pool3 mean {rgb_pool3.mean():.4f} max {rgb_pool3.max():.4f}; "
          f"gray pool3 mean {gray_pool3.mean():.4f} max {gray_pool3.max():.4f}")


if __name__ == "__main__":
    main()
