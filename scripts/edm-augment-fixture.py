#!/usr/bin/env python3
"""Runs EDM's reference AugmentPipe (training/augment.py of the paper's code) on fixed images with fixed
transform parameters and writes its outputs as numbers, the fixture that
tests/DiffusionDsl.Runtime.Tests/Training/Augmentation/EdmAugmentReferenceTests.cs compares against.

The reference is used as a black box: its random draws (torch.rand / randn / randint) are replaced by
queues of chosen values, so each sample gets exactly the flip, scale, rotation, anisotropy and translation
listed in the fixture. Nothing of the reference is copied here.

Usage (Debian's python3-torch is enough):
    python3 scripts/edm-augment-fixture.py /path/to/edm  tests/Fixtures/Augmentation/edm-augment.json
where /path/to/edm is the paper's edm/ folder, e.g. extracted from the bare mirror with
    git -C <mirror> archive HEAD edm | tar x -C /tmp/edmref
"""
import math
import sys

import numpy as np
import torch

sys.path.insert(0, sys.argv[1])
from training.augment import AugmentPipe  # noqa: E402  (the reference, from the folder given)

# EDM's train.py: AugmentPipe(p=opts.augment, xflip=1e8, yflip=1, scale=1, rotate_frac=1, aniso=1, translate_frac=1)
EDM_KWARGS = dict(xflip=1e8, yflip=1, scale=1, rotate_frac=1, aniso=1, translate_frac=1)
PARAMS = ["xflip", "yflip", "scale", "rotate", "aniso", "aniso_angle", "translate_x", "translate_y"]


def image(n, c, h, w):
    """A smooth, asymmetric test image, different for every sample and channel (float32)."""
    nn, cc, yy, xx = np.meshgrid(np.arange(n), np.arange(c), np.arange(h), np.arange(w), indexing="ij")
    return (np.sin(0.37 * xx + 0.61 * yy * yy / h + 1.3 * cc + 2.9 * nn) + 0.05 * xx - 0.03 * yy).astype(np.float32)


class Draws:
    """Stands in for torch's random functions; hands out the values the current case chose, in draw order."""

    def __init__(self, values):
        self.values = list(values)

    def take(self, size):
        value = torch.as_tensor(np.asarray(self.values.pop(0), dtype=np.float32))
        return value.reshape(size)

    def rand(self, size, device=None):
        return self.take(size)

    def randn(self, size, device=None):
        return self.take(size)

    def randint(self, high, size, device=None):
        return self.take(size).to(torch.int64)


def draws_for(p):
    """The reference's draws, in its order, that produce parameters p (one list per parameter, one value per sample)."""
    n = len(p["xflip"])
    on = [0.0] * n  # a gate draw of 0 passes 'rand < multiplier * p' for any p > 0
    rotate = [(a / math.pi + 1) / 2 for a in p["rotate"]]          # w = (u * 2 - 1) * pi
    aniso_angle = [(r / math.pi + 1) / 2 for r in p["aniso_angle"]]  # r = (u * 2 - 1) * pi
    return [
        p["xflip"], on,                    # xflip: randint(2), gate
        p["yflip"], on,                    # yflip
        p["scale"], on,                    # isotropic scale: randn (log2 units of scale_std), gate
        rotate, on,                        # fractional rotation: rand, gate
        p["aniso"], aniso_angle, on, on,   # anisotropy: randn, rand (its frame's angle), gate, gate of the angle
        [p["translate_x"], p["translate_y"]], [on],  # fractional translation: randn [2, N], gate [1, N]
    ]


def as_used(p):
    """The parameters as the reference's float32 arithmetic sees them (angles go through u)."""
    used = {k: [float(np.float32(v)) for v in p[k]] for k in PARAMS}
    for key in ("rotate", "aniso_angle"):
        u = torch.tensor([(a / math.pi + 1) / 2 for a in p[key]], dtype=torch.float32)
        used[key] = ((u * 2 - 1) * np.pi).tolist()
    return used


def run(name, shape, augment_p, params):
    images = torch.from_numpy(image(*shape))
    pipe = AugmentPipe(p=augment_p, **EDM_KWARGS)
    saved = torch.rand, torch.randn, torch.randint
    draws = Draws(draws_for(params))
    torch.rand, torch.randn, torch.randint = draws.rand, draws.randn, draws.randint
    try:
        out, labels = pipe(images)
    finally:
        torch.rand, torch.randn, torch.randint = saved
    assert not draws.values, "the reference drew fewer values than expected"
    return dict(name=name, shape=list(shape), p=augment_p, params=as_used(params),
                output=out.flatten().tolist(), labels=labels.flatten().tolist())


def case(n, **given):
    return {k: list(given.get(k, [0.0] * n)) for k in PARAMS}


def fmt(value):
    if isinstance(value, float):
        return "%.8g" % value
    if isinstance(value, list):
        return "[" + ", ".join(fmt(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join('"%s": %s' % (k, fmt(v)) for k, v in value.items()) + "}"
    if isinstance(value, str):
        return '"%s"' % value
    return str(value)


def main():
    rng = np.random.default_rng(9)
    cases = [
        # Every parameter zero: the reference still resamples (pad, upsample, identity warp, downsample).
        run("identity", (2, 2, 8, 12), 0.12, case(2)),
        run("flips", (4, 2, 8, 12), 1.0, case(4, xflip=[0, 1, 0, 1], yflip=[0, 0, 1, 1])),
        # 0.125 * width pixels per unit: W = 16 gives 2 px, H = 8 gives 1 px.
        run("integer_translation", (3, 2, 8, 16), 1.0,
            case(3, translate_x=[0.5, -1.5, 0.0], translate_y=[-2.0, 1.0, 3.0])),
        run("rotate90", (2, 2, 12, 12), 1.0, case(2, rotate=[math.pi / 2, -math.pi / 2])),
        run("scale", (3, 2, 8, 12), 1.0, case(3, scale=[1.0, -1.5, 0.3])),
        run("rotate", (3, 2, 8, 12), 1.0, case(3, rotate=[0.3, -2.0, 3.0])),
        run("aniso", (3, 2, 8, 12), 1.0, case(3, aniso=[1.2, -0.7, 0.9], aniso_angle=[0.0, 0.8, -2.5])),
        run("fractional_translation", (3, 2, 8, 12), 1.0, case(3, translate_x=[0.3, -0.77, 1.9], translate_y=[0.45, 0.1, -1.2])),
        run("everything", (4, 2, 8, 12), 1.0, dict(
            xflip=[1, 0, 1, 0], yflip=[0, 1, 1, 0],
            scale=rng.normal(size=4).tolist(), rotate=rng.uniform(-math.pi, math.pi, size=4).tolist(),
            aniso=rng.normal(size=4).tolist(), aniso_angle=[0.0, 1.1, -0.4, 2.9],
            translate_x=rng.normal(size=4).tolist(), translate_y=rng.normal(size=4).tolist())),
    ]
    text = ('{\n  "source": "EDM training/augment.py AugmentPipe(p, xflip=1e8, yflip=1, scale=1, rotate_frac=1, aniso=1, '
            'translate_frac=1), generated by scripts/edm-augment-fixture.py",\n'
            '  "image": "sin(0.37 x + 0.61 y^2 / H + 1.3 c + 2.9 n) + 0.05 x - 0.03 y, float32",\n  "cases": [\n')
    text += ",\n".join("    " + fmt(c) for c in cases) + "\n  ]\n}\n"
    with open(sys.argv[2], "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
